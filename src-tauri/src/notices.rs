//! Turning what the stores found at start into sentences for the notices banner.

use drivly_core::durable_file::FileNotice;
use drivly_core::vault::{ReconcileAction, ReconcileReport};

/// Sentences for config-file notices.
pub fn from_files(notices: &[FileNotice]) -> Vec<String> {
    notices.iter().map(FileNotice::message).collect()
}

/// Sentences for what the vault's reconcile found that the user should act on.
pub fn from_reconcile(report: &ReconcileReport) -> Vec<String> {
    let mut out = from_files(&report.file_notices);
    for item in &report.items {
        let what = item.label.as_deref().map_or_else(
            || "A stored item".to_owned(),
            |l| format!("The key \u{201c}{l}\u{201d}"),
        );
        let sentence = match &item.action {
            ReconcileAction::MissingSecret => {
                format!(
                    "{what} has no secret in your keyring any more; remove it and add it again."
                )
            }
            ReconcileAction::DeleteFailed(e) => {
                format!(
                    "{what} was being removed and could not be finished ({}); it will be retried.",
                    e.message
                )
            }
            ReconcileAction::OrphanedSecret => format!(
                "Your keyring holds a Drivly Keys secret that no key or session uses ({}); it is removed a day after it was first found.",
                item.entry
            ),
            ReconcileAction::CheckFailed(e) => {
                format!("{what} could not be checked: {}", e.message)
            }
            ReconcileAction::PendingCompleted
            | ReconcileAction::PendingRolledBack
            | ReconcileAction::DeleteFinished => continue,
        };
        out.push(sentence);
    }
    out
}
