// The region picker's data and search, as pure functions: the administrative
// divisions (行政区划) as a cascader tree, their full names, and the search the
// core's `Regions::search` does (crates/taoli-core/src/catalog/regions.rs), on
// the pinyin the core sends with every division.
import type { Region } from './bindings'

/** One cascader option: a division, with the divisions under it. */
export interface RegionOption {
  value: string
  label: string
  children?: RegionOption[]
}

/** Divisions by code. */
export type RegionIndex = ReadonlyMap<string, Region>

export function regionIndex(regions: readonly Region[]): RegionIndex {
  return new Map(regions.map((r) => [r.code, r]))
}

/** The divisions as a tree: provinces, the cities and counties under them. */
export function regionTree(regions: readonly Region[]): RegionOption[] {
  const options = new Map<string, RegionOption>()
  for (const r of regions) options.set(r.code, { value: r.code, label: r.name })
  const roots: RegionOption[] = []
  for (const r of regions) {
    const option = options.get(r.code)!
    const parent = r.parent ? options.get(r.parent) : undefined
    if (parent) (parent.children ??= []).push(option)
    else roots.push(option)
  }
  return roots
}

/** The division and those above it, province first. */
export function regionPath(index: RegionIndex, code: string): Region[] {
  const path: Region[] = []
  let next = index.get(code)
  while (next && path.length < 3) {
    path.unshift(next)
    next = next.parent ? index.get(next.parent) : undefined
  }
  return path
}

/** The full name, as sheets and exports write it: 四川省成都市武侯区; null for no division's code. */
export function regionFullName(index: RegionIndex, code: string): string | null {
  const path = regionPath(index, code.trim())
  return path.length > 0 ? path.map((r) => r.name).join('') : null
}

const SEPARATORS = /[\s/\\\-－—–_·•、,，>＞|:：.。]/g

/** Full-width letters and digits to half-width, lower case, separators and spaces dropped. */
export function searchKey(query: string): string {
  return query
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(SEPARATORS, '')
    .toLowerCase()
}

/** Whether `query` reads as pieces, each starting a later level's name, pinyin or initials. */
function piecesMatch(query: string, levels: readonly Region[]): boolean {
  if (query === '') return true
  return levels.some((level, at) => {
    const later = levels.slice(at + 1)
    for (let len = 1; len <= query.length; len += 1) {
      const piece = query.slice(0, len)
      if (!(level.name.startsWith(piece) || level.pinyin.startsWith(piece) || level.initials.startsWith(piece))) return false
      if (piecesMatch(query.slice(len), later)) return true
    }
    return false
  })
}

/**
 * Whether the division at the end of `path` matches a search: leading digits
 * of its code, part of its full name, or pieces each starting a level's name,
 * pinyin or initials in order (四川成都, chengduwuhou, scwh, 成都wh). A city's
 * search also finds its counties. `key` is the query through searchKey().
 */
export function regionMatches(path: readonly Region[], key: string): boolean {
  if (key === '') return true
  const region = path[path.length - 1]
  if (!region) return false
  if (/^\d+$/.test(key)) return region.code.startsWith(key)
  if (path.map((r) => r.name).join('').includes(key)) return true
  return piecesMatch(key, path)
}

/** The codes of the divisions a search finds, in code order. */
export function searchRegions(regions: readonly Region[], query: string): string[] {
  const index = regionIndex(regions)
  const key = searchKey(query)
  return regions.filter((r) => regionMatches(regionPath(index, r.code), key)).map((r) => r.code)
}
