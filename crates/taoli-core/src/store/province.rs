//! The province pack a school file uses, and the catalog that results.

use std::borrow::Cow;

use rusqlite::OptionalExtension;

use super::{SchoolFile, revisions};
use crate::catalog::{Catalog, EffectiveCatalog, PackInfo, ProvincePack, catalog};
use crate::error::SchoolError;
use crate::error::{Error, Result};
use crate::revision::{Action, Entity};
use crate::time::now;

impl SchoolFile {
    /// The province pack stored in the file, if any.
    pub fn province_pack(&self) -> Result<Option<ProvincePack>> {
        let stored: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT name, content FROM province_pack WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        stored
            .map(|(name, text)| ProvincePack::parse(&text, &name))
            .transpose()
    }

    /// The catalog this school validates against: the national one, with the
    /// school's province pack applied when it has one.
    pub fn catalog(&self) -> Result<Cow<'static, Catalog>> {
        let national = catalog()?;
        Ok(match self.province_pack()? {
            Some(pack) => Cow::Owned(national.with_pack(&pack)?),
            None => Cow::Borrowed(national),
        })
    }

    /// The catalog of the school's indicator set (decided by its school type),
    /// with its province pack applied.
    pub fn effective_catalog(&self) -> Result<EffectiveCatalog> {
        let school = self.school()?;
        let set = school.indicator_set.ok_or_else(|| {
            Error::School(SchoolError::UnknownSchoolType(school.school_type.clone()))
        })?;
        self.catalog()?.effective(&set.id)
    }
}

/// The school's province pack (省级补充包), set by a 系统管理员: using one, or
/// going back to the national catalog. Reached with
/// [`SchoolFile::province`]; which pack the school uses is the handle's
/// ([`SchoolFile::province_pack`]), since every catalog read needs it.
#[derive(Debug)]
pub struct ProvincePacks<'a> {
    school: &'a mut SchoolFile,
}

impl SchoolFile {
    /// [`ProvincePacks`]: the school's province pack (省级补充包).
    pub fn province(&mut self) -> ProvincePacks<'_> {
        ProvincePacks { school: self }
    }
}

impl ProvincePacks<'_> {
    /// Makes the school use a province pack, replacing any earlier one. The
    /// pack is checked against the national catalog first; a refused pack
    /// changes nothing.
    pub fn use_pack(&mut self, pack: &ProvincePack) -> Result<PackInfo> {
        let actor = &self
            .school
            .require(crate::account::Permission::SettingsManage)?;
        let text = pack.text.as_str();
        catalog()?.with_pack(pack)?;
        let old = self.school.province_pack()?.map(|p| p.info);
        let info = pack.info.clone();
        self.school.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO province_pack (id, pack_id, name, version, content, loaded_at, loaded_by)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                (&info.id, &info.name, &info.version, text, now(), actor.name()),
            )?;
            let code: String = tx.query_row("SELECT code FROM school WHERE id = 1", [], |r| r.get(0))?;
            revisions::record(
                tx,
                actor,
                Entity::School,
                &code,
                None,
                Action::Update,
                Some(&serde_json::json!({ "province_pack": old })),
                Some(&serde_json::json!({ "province_pack": info })),
            )?;
            Ok(())
        })?;
        Ok(pack.info.clone())
    }

    /// Goes back to the national catalog alone.
    pub fn clear(&mut self) -> Result<()> {
        let actor = &self
            .school
            .require(crate::account::Permission::SettingsManage)?;
        let Some(old) = self.school.province_pack()?.map(|p| p.info) else {
            return Ok(());
        };
        self.school.write(|tx| {
            tx.execute("DELETE FROM province_pack", [])?;
            let code: String =
                tx.query_row("SELECT code FROM school WHERE id = 1", [], |r| r.get(0))?;
            revisions::record(
                tx,
                actor,
                Entity::School,
                &code,
                None,
                Action::Update,
                Some(&serde_json::json!({ "province_pack": old })),
                Some(&serde_json::json!({ "province_pack": null })),
            )
        })
    }
}
