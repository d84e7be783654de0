//! Crash test: a child process writes the config and the vault index in a loop and is killed
//! with SIGKILL at random moments, hundreds of times. After every kill both files parse (old or
//! new generation, never torn), the vault reconciles to a consistent state, and no temporary
//! file is left once the files have been opened again.
//!
//! The secrets go to a test-only store of files (fake values in a temporary folder), so the
//! keyring side survives the kill too, as the real keyring would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use drivly_core::app_paths::AppPaths;
use drivly_core::clock::SystemClock;
use drivly_core::profile::store::{EnvOverrides, ProfileStore};
use drivly_core::profile::{Profile, ProfileId};
use drivly_core::secret::ApiKey;
use drivly_core::settings::SettingsPatch;
use drivly_core::vault::{
    EntryName, ReconcileAction, SecretBytes, SecretStore, StoreError, StoreInfo, Vault,
};
use rand::Rng;

const CHILD_ENV: &str = "DRIVLY_KEYS_CRASH_CHILD";
const KILLS: usize = 300;

/// One file per entry, replaced atomically; enumerable. Test-only.
#[derive(Debug)]
struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    fn path(&self, name: &EntryName) -> PathBuf {
        self.dir.join(name.user().replace('/', "_"))
    }
}

impl SecretStore for FileStore {
    fn set(&self, name: &EntryName, value: &[u8]) -> Result<(), StoreError> {
        let tmp = self.dir.join(format!("tmp-{}", rand::random::<u64>()));
        let io = |e: std::io::Error| StoreError::Platform {
            detail: e.to_string(),
        };
        std::fs::write(&tmp, value).map_err(io)?;
        std::fs::rename(&tmp, self.path(name)).map_err(io)
    }
    fn get(&self, name: &EntryName) -> Result<SecretBytes, StoreError> {
        std::fs::read(self.path(name))
            .map(SecretBytes::new)
            .map_err(|_| StoreError::Missing)
    }
    fn delete(&self, name: &EntryName) -> Result<bool, StoreError> {
        Ok(std::fs::remove_file(self.path(name)).is_ok())
    }
    fn probe(&self) -> Result<StoreInfo, StoreError> {
        Ok(StoreInfo {
            backend: "test files".into(),
            persistent: true,
            enumerable: true,
        })
    }
    fn list(&self) -> Result<Option<Vec<EntryName>>, StoreError> {
        let names = std::fs::read_dir(&self.dir)
            .map_err(|e| StoreError::Platform {
                detail: e.to_string(),
            })?
            .flatten()
            .filter_map(|e| {
                let user = e.file_name().to_string_lossy().replacen('_', "/", 1);
                EntryName::parse_user(&user)
            })
            .collect();
        Ok(Some(names))
    }
    fn max_item_size(&self) -> usize {
        usize::MAX
    }
}

fn open_all(home: &Path) -> (ProfileStore, Vault, drivly_core::vault::ReconcileReport) {
    let paths = AppPaths::in_folder(home);
    let profiles =
        ProfileStore::open_with(&paths, EnvOverrides::default(), Arc::new(SystemClock)).unwrap();
    let secrets = home.join("secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    let store = Arc::new(FileStore { dir: secrets });
    let (vault, report) = Vault::open(&paths, store).unwrap();
    (profiles, vault, report)
}

/// The child: writes forever until killed.
#[test]
fn crash_child_loop() {
    let Ok(home) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (profiles, vault, _) = open_all(Path::new(&home));
    // Tell the parent the writing starts now, so its random delay lands inside the loop.
    println!("ready");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let drivly = ProfileId::parse("drivly").unwrap();
    // Labels are unique per profile and kept keys survive this process: make them unique.
    let run = rand::random::<u32>();
    for i in 0u64.. {
        let key = ApiKey::new(format!("sk_test_crash_{i:020}"));
        let meta = vault
            .add_api_key(&format!("k{run:08x}-{i}"), &drivly, &key, None)
            .unwrap();
        let mut p = Profile::drivly();
        p.id = ProfileId::parse(&format!("p{}", i % 3)).unwrap();
        let _ = profiles.add(p.clone());
        profiles
            .update_settings(&SettingsPatch {
                clipboard_clear_seconds: Some((i % 100) as u32),
                ..Default::default()
            })
            .unwrap();
        if i % 2 == 0 {
            vault.remove_api_key(meta.id).unwrap();
        }
        let _ = profiles.remove(&p.id);
    }
}

fn leftover_temp_files(home: &Path) -> Vec<String> {
    std::fs::read_dir(home)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn killed_writers_never_leave_torn_files() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut rng = rand::thread_rng();
    let mut completed = 0;
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "vault_crash::crash_child_loop",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("ready") {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..15_000)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let (profiles, vault, report) = open_all(home.path());
        assert!(
            report.file_notices.is_empty(),
            "round {round}: {:?}",
            report.file_notices
        );
        assert!(
            profiles.take_notices().is_empty(),
            "round {round}: config unreadable"
        );
        for item in &report.items {
            assert!(
                matches!(
                    item.action,
                    ReconcileAction::PendingCompleted
                        | ReconcileAction::PendingRolledBack
                        | ReconcileAction::DeleteFinished
                ),
                "round {round}: {item:?}"
            );
        }
        completed += report.items.len();
        for key in vault.list_api_keys().unwrap() {
            assert!(!key.missing_secret, "round {round}");
            vault.reveal_api_key(key.id).unwrap();
        }
        profiles.list().unwrap();
        let left = leftover_temp_files(home.path());
        assert!(left.is_empty(), "round {round}: {left:?}");
    }
    let (_, vault, _) = open_all(home.path());
    let kept = vault.list_api_keys().unwrap().len();
    eprintln!(
        "{KILLS} kills, {kept} keys written, {completed} interrupted journal steps reconciled"
    );
    // The child really wrote between kills (every other key it adds is kept).
    assert!(kept > 0, "the writer never got to write");
}
