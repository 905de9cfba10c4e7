//! Whether a school file lies on a network share (网络共享文件夹).
//!
//! SQLite's write-ahead log needs memory shared between every program that
//! has the file open, which a network file system cannot give: two PCs
//! writing through it corrupt the file. Rural schools keep the school file
//! on a shared folder all the same, so such a file is opened differently
//! (`store/mod.rs`: a rollback journal, one connection holding SQLite's lock
//! for as long as the file is open) and the clerk is told, with a way out:
//! 「复制到本机」 ([`SchoolFile::copy_to_this_computer`]).
//!
//! How a network share is recognised:
//! - Linux: the mount holding the file's canonical path in
//!   `/proc/self/mountinfo`, and its file system type among
//!   [`NETWORK_FILE_SYSTEMS`].
//! - macOS: the same, from the output of `/sbin/mount`
//!   (`//user@server/share on /Volumes/share (smbfs, …)`).
//! - Windows: a UNC path (`\\server\share\…`). A mapped network drive
//!   (`Z:\…`) is recognised too, because the canonical path of a file on one
//!   is its UNC path. Not recognised: a folder that a cloud-sync program
//!   (OneDrive, 坚果云 …) copies to other PCs, which is a local folder to
//!   Windows (docs/reliability.md).
//!
//! The test machine's kernel has no cifs or nfs module, so the parsers are
//! tested on real mountinfo and mount text; `crates/taoli-cli/tests/sshfs.rs`
//! mounts a real sshfs over 127.0.0.1; the other tests name a folder to
//! treat as a network share ([`TEST_SHARE_VARIABLE`], [`treat_as_network_share`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use super::SchoolFile;
use crate::error::Locale;
use crate::error::messages::{render, word};

/// The file system types that are network (or remote, or shared-disk)
/// file systems, as the kernel names them, and the kind of share each is
/// (said by `word.share_kind.<kind>` in the message catalogs).
pub const NETWORK_FILE_SYSTEMS: &[(&str, &str)] = &[
    ("cifs", "smb"),
    ("smb3", "smb"),
    ("smbfs", "smb"),
    ("fuse.smbnetfs", "smb"),
    ("fuse.gvfsd-fuse", "file_manager"),
    ("fuse.kio-fuse", "file_manager"),
    ("nfs", "nfs"),
    ("nfs4", "nfs"),
    ("afpfs", "afp"),
    ("webdav", "webdav"),
    ("davfs", "webdav"),
    ("fuse.davfs2", "webdav"),
    ("fuse.sshfs", "ssh"),
    ("sshfs", "ssh"),
    ("fuse.rclone", "rclone"),
    ("fuse.s3fs", "cloud"),
    ("9p", "virtual_machine"),
    ("vboxsf", "virtual_machine"),
    ("fuse.vmhgfs-fuse", "virtual_machine"),
    ("vmhgfs", "virtual_machine"),
    ("afs", "afs"),
    ("ceph", "ceph"),
    ("fuse.ceph", "ceph"),
    ("glusterfs", "glusterfs"),
    ("fuse.glusterfs", "glusterfs"),
    ("lustre", "lustre"),
    ("gfs2", "gfs2"),
    ("ocfs2", "ocfs2"),
];

/// A folder whose files are treated as lying on a network share, for
/// tests of a whole program (the `taoli` command): SMB and NFS cannot be
/// mounted on the test machine.
pub const TEST_SHARE_VARIABLE: &str = "TAOLI_TEST_NETWORK_SHARE";

/// What the app and the command tell the clerk about a school file on a
/// network share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NetworkShare {
    /// Where the share comes from: `//server/share`, `\\server\share`,
    /// `server:/export`.
    pub source: String,
    /// What kind of share it is, for the clerk (`Windows 共享文件夹（SMB）`).
    pub kind: String,
    /// The same in English (`Windows shared folder (SMB)`).
    pub kind_en: String,
    /// The file system type as the system names it (`cifs`, `nfs4`, `unc`).
    pub file_system: String,
}

impl NetworkShare {
    fn new(source: &str, file_system: &str) -> NetworkShare {
        let kind = NETWORK_FILE_SYSTEMS
            .iter()
            .find(|(name, _)| *name == file_system)
            .map_or("other", |(_, kind)| *kind);
        NetworkShare {
            source: source.to_owned(),
            kind: word(Locale::ZhCn, "share_kind", kind),
            kind_en: word(Locale::En, "share_kind", kind),
            file_system: file_system.to_owned(),
        }
    }

    /// The notice the command shows, in `locale` (the window words its own).
    pub fn notice(&self, locale: Locale) -> String {
        let kind = match locale {
            Locale::ZhCn => &self.kind,
            Locale::En => &self.kind_en,
        };
        render(
            locale,
            "share.notice",
            &[("kind", kind.clone()), ("source", self.source.clone())],
        )
    }
}

/// What 复制到本机 gives the window: where the copy is, and the copy as
/// opened (signed in as before).
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopiedToThisComputer {
    pub path: String,
    pub opened: super::OpenedSchool,
}

impl SchoolFile {
    /// The network share this file lies on, if it does: the window shows
    /// its notice with a 「复制到本机」 button.
    pub fn network_share(&self) -> Option<&NetworkShare> {
        self.share.as_ref()
    }
}

/// The network share `path` lies on, if any.
pub fn network_share_of(path: &Path) -> Option<NetworkShare> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    if let Some(share) = assumed(&canonical) {
        return Some(share);
    }
    detect(&canonical)
}

#[cfg(target_os = "linux")]
fn detect(canonical: &Path) -> Option<NetworkShare> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    from_mountinfo(&mountinfo, canonical)
}

#[cfg(target_os = "macos")]
fn detect(canonical: &Path) -> Option<NetworkShare> {
    let output = std::process::Command::new("/sbin/mount").output().ok()?;
    from_mount_output(&String::from_utf8_lossy(&output.stdout), canonical)
}

#[cfg(windows)]
fn detect(canonical: &Path) -> Option<NetworkShare> {
    from_windows_path(&canonical.to_string_lossy())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn detect(_canonical: &Path) -> Option<NetworkShare> {
    None
}

/// Folders treated as network shares in this process (tests).
static ASSUMED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Treats every school file under `folder` as lying on a network share,
/// in this process: for tests, since SMB and NFS cannot be mounted on the
/// test machine. (A whole program is told with
/// [`TEST_SHARE_VARIABLE`].)
#[doc(hidden)]
pub fn treat_as_network_share(folder: &Path) {
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned());
    ASSUMED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(folder);
}

fn assumed(canonical: &Path) -> Option<NetworkShare> {
    let from_variable = std::env::var_os(TEST_SHARE_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(|v| {
            let folder = PathBuf::from(v);
            std::fs::canonicalize(&folder).unwrap_or(folder)
        });
    let folders = ASSUMED.lock().unwrap_or_else(|p| p.into_inner()).clone();
    folders
        .into_iter()
        .chain(from_variable)
        .find(|folder| canonical.starts_with(folder))
        .map(|folder| NetworkShare::new(&folder.display().to_string(), "test"))
}

/// The network share holding `path` according to Linux's
/// `/proc/self/mountinfo` text: the mount whose mount point is the longest
/// that contains `path` (the last one mounted there, when several are).
pub fn from_mountinfo(mountinfo: &str, path: &Path) -> Option<NetworkShare> {
    let mut best: Option<(usize, &str, &str)> = None;
    for line in mountinfo.lines() {
        let Some((before, after)) = line.split_once(" - ") else {
            continue;
        };
        let Some(mount_point) = before.split(' ').nth(4) else {
            continue;
        };
        let mut after = after.split(' ');
        let (Some(file_system), Some(source)) = (after.next(), after.next()) else {
            continue;
        };
        let mount_point = unescape_mount_field(mount_point);
        let depth = Path::new(&mount_point).components().count();
        if path.starts_with(&mount_point) && best.is_none_or(|(d, _, _)| depth >= d) {
            best = Some((depth, file_system, source));
        }
    }
    let (_, file_system, source) = best?;
    is_network(file_system).then(|| NetworkShare::new(&unescape_mount_field(source), file_system))
}

/// The network share holding `path` according to the output of macOS's
/// `mount`: `SOURCE on MOUNT_POINT (TYPE, options…)` lines.
pub fn from_mount_output(output: &str, path: &Path) -> Option<NetworkShare> {
    let mut best: Option<(usize, &str, &str)> = None;
    for line in output.lines() {
        let Some((source, rest)) = line.split_once(" on ") else {
            continue;
        };
        let Some((mount_point, options)) = rest.rsplit_once(" (") else {
            continue;
        };
        let file_system = options.split([',', ')']).next().unwrap_or_default().trim();
        let depth = Path::new(mount_point).components().count();
        if path.starts_with(mount_point) && best.is_none_or(|(d, _, _)| depth >= d) {
            best = Some((depth, file_system, source));
        }
    }
    let (_, file_system, source) = best?;
    is_network(file_system).then(|| NetworkShare::new(source, file_system))
}

/// The network share of a Windows path: `\\server\share\…` or its
/// canonical form `\\?\UNC\server\share\…` (which a file on a mapped
/// network drive canonicalizes to). A drive-letter path, `\\?\C:\…` and a
/// device path (`\\.\…`) are local.
pub fn from_windows_path(path: &str) -> Option<NetworkShare> {
    let rest = if let Some(rest) = strip_prefix_ignore_case(path, r"\\?\UNC\") {
        rest
    } else if path.starts_with(r"\\?\") || path.starts_with(r"\\.\") {
        return None;
    } else {
        path.strip_prefix(r"\\")?
    };
    let mut parts = rest.split(['\\', '/']).filter(|p| !p.is_empty());
    let server = parts.next()?;
    let share = parts.next()?;
    Some(NetworkShare::new(&format!(r"\\{server}\{share}"), "unc"))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn is_network(file_system: &str) -> bool {
    NETWORK_FILE_SYSTEMS
        .iter()
        .any(|(name, _)| *name == file_system)
}

/// mountinfo writes a space, tab, newline and backslash in a field as
/// `\040`, `\011`, `\012` and `\134`.
fn unescape_mount_field(field: &str) -> String {
    field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A real `/proc/self/mountinfo` of a school PC with a Windows share, an
    /// NFS export and an sshfs folder mounted, besides the usual local and
    /// virtual file systems (Debian 12, kernel 6.1).
    const MOUNTINFO: &str = "\
22 29 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
23 29 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw
25 29 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:2 - tmpfs tmpfs rw,size=1631400k,mode=755,inode64
29 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
31 29 259:1 / /boot/efi rw,relatime shared:17 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077
45 29 0:39 / /home/clerk/共享 rw,relatime shared:24 - cifs //192.168.1.10/教务处 rw,vers=3.1.1,cache=strict,username=clerk,uid=1000,gid=1000,soft,nounix,serverino,mapposix,rsize=4194304,wsize=4194304
47 29 0:41 / /mnt/nfs rw,relatime shared:26 - nfs4 fileserver:/export/school rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys
49 29 0:43 / /home/clerk/remote rw,nosuid,nodev,relatime shared:28 - fuse.sshfs clerk@127.0.0.1:/srv/school rw,user_id=1000,group_id=1000
51 25 0:45 / /run/user/1000 rw,nosuid,nodev,relatime shared:30 - tmpfs tmpfs rw,size=815700k,nr_inodes=203925,mode=700,uid=1000,gid=1000,inode64
53 51 0:47 / /run/user/1000/gvfs rw,nosuid,nodev,relatime shared:32 - fuse.gvfsd-fuse gvfsd-fuse rw,user_id=1000,group_id=1000
55 29 0:49 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X,upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/var/lib/docker/overlay2/abc/work
57 29 0:51 / /media/clerk/U\\040盘 rw,nosuid,nodev,relatime shared:34 - vfat /dev/sdb1 rw,uid=1000,gid=1000,fmask=0022,dmask=0022
";

    fn share_of(path: &str) -> Option<NetworkShare> {
        from_mountinfo(MOUNTINFO, Path::new(path))
    }

    #[test]
    fn a_file_on_a_windows_share_mounted_with_cifs_is_on_a_network_share() {
        let share = share_of("/home/clerk/共享/2151012345-桃李镇中心小学.taoli").unwrap();
        assert_eq!(share.file_system, "cifs");
        assert_eq!(share.source, "//192.168.1.10/教务处");
        assert_eq!(share.kind, "Windows 共享文件夹（SMB）");
        assert!(share.notice(Locale::ZhCn).contains("//192.168.1.10/教务处"));
        assert!(share.notice(Locale::ZhCn).contains("复制到本机"));
    }

    #[test]
    fn a_share_s_kind_and_notice_are_said_in_english_in_english() {
        let share = share_of("/home/clerk/共享/2151012345-桃李镇中心小学.taoli").unwrap();
        assert_eq!(share.kind_en, "Windows shared folder (SMB)");
        let notice = share.notice(Locale::En);
        assert!(
            notice.contains("Windows shared folder (SMB): //192.168.1.10/教务处"),
            "{notice}"
        );
        assert!(notice.contains("Copy to this computer"), "{notice}");
    }

    #[test]
    fn a_file_on_an_nfs_export_is_on_a_network_share() {
        let share = share_of("/mnt/nfs/学校/桃李.taoli").unwrap();
        assert_eq!(share.file_system, "nfs4");
        assert_eq!(share.source, "fileserver:/export/school");
    }

    #[test]
    fn a_file_in_an_sshfs_folder_is_on_a_network_share() {
        let share = share_of("/home/clerk/remote/桃李.taoli").unwrap();
        assert_eq!(share.file_system, "fuse.sshfs");
        assert_eq!(share.kind, "SSH 远程文件夹");
    }

    #[test]
    fn a_file_opened_through_the_file_managers_network_places_is_on_a_network_share() {
        let share =
            share_of("/run/user/1000/gvfs/smb-share:server=pc1,share=d/桃李.taoli").unwrap();
        assert_eq!(share.file_system, "fuse.gvfsd-fuse");
    }

    #[test]
    fn files_on_ext4_tmpfs_overlay_and_a_usb_stick_are_local() {
        for path in [
            "/home/clerk/桃李.taoli",
            "/home/clerk/共享文件夹/桃李.taoli",
            "/run/user/1000/桃李.taoli",
            "/var/lib/docker/overlay2/abc/merged/桃李.taoli",
            "/media/clerk/U 盘/桃李.taoli",
        ] {
            assert_eq!(share_of(path), None, "{path}");
        }
    }

    #[test]
    fn a_mount_point_with_a_space_is_matched_unescaped() {
        let mountinfo = "60 29 0:53 / /mnt/教务\\040共享 rw - cifs //srv/d\\040盘 rw\n";
        let share = from_mountinfo(mountinfo, Path::new("/mnt/教务 共享/桃李.taoli")).unwrap();
        assert_eq!(share.source, "//srv/d 盘");
    }

    #[test]
    fn the_mount_mounted_last_over_a_folder_is_the_one_that_counts() {
        let mountinfo = "\
29 1 259:2 / / rw - ext4 /dev/sda1 rw
70 29 0:60 / /srv rw - nfs server:/a rw
71 70 0:61 / /srv rw - ext4 /dev/sdb1 rw
";
        assert_eq!(
            from_mountinfo(mountinfo, Path::new("/srv/桃李.taoli")),
            None
        );
    }

    #[test]
    fn every_listed_network_file_system_is_recognised() {
        for (file_system, _) in NETWORK_FILE_SYSTEMS {
            let mountinfo = format!("80 29 0:70 / /mnt/s rw - {file_system} server:/x rw\n");
            assert!(
                from_mountinfo(&mountinfo, Path::new("/mnt/s/a.taoli")).is_some(),
                "{file_system}"
            );
        }
    }

    #[test]
    fn a_mac_smb_share_is_read_from_the_mount_output() {
        let output = "\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
devfs on /dev (devfs, local, nobrowse)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)
//clerk@OFFICE-PC._smb._tcp.local/教务处 on /Volumes/教务处 (smbfs, nodev, nosuid, mounted by clerk)
server:/export on /Volumes/nfs (nfs, nodev, nosuid, mounted by clerk)
";
        let share = from_mount_output(output, Path::new("/Volumes/教务处/桃李.taoli")).unwrap();
        assert_eq!(share.file_system, "smbfs");
        assert_eq!(share.source, "//clerk@OFFICE-PC._smb._tcp.local/教务处");
        assert_eq!(
            from_mount_output(output, Path::new("/Volumes/nfs/a.taoli"))
                .unwrap()
                .file_system,
            "nfs"
        );
        assert_eq!(
            from_mount_output(output, Path::new("/Users/clerk/桃李.taoli")),
            None
        );
    }

    #[test]
    fn a_unc_path_and_a_mapped_drives_canonical_path_are_network_shares() {
        let unc = from_windows_path(r"\\OFFICE-PC\教务处\桃李\学校.taoli").unwrap();
        assert_eq!(unc.source, r"\\OFFICE-PC\教务处");
        let mapped = from_windows_path(r"\\?\UNC\192.168.1.10\d\学校.taoli").unwrap();
        assert_eq!(mapped.source, r"\\192.168.1.10\d");
        assert_eq!(mapped.file_system, "unc");
    }

    #[test]
    fn windows_drive_and_device_paths_are_local() {
        for path in [
            r"C:\Users\clerk\桃李.taoli",
            r"\\?\C:\Users\clerk\桃李.taoli",
            r"\\.\PhysicalDrive0",
            r"\\",
            r"\\server",
        ] {
            assert_eq!(from_windows_path(path), None, "{path}");
        }
    }
}
