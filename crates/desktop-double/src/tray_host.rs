//! A StatusNotifierWatcher: the registry a tray host keeps of the status icons it shows.
//! Owning its name is what tells an app that a tray exists; libayatana-appindicator then
//! registers its item here instead of falling back to an XEmbed icon.

use zbus::interface;
use zbus::object_server::SignalEmitter;

use crate::report;

/// The well-known name of the watcher.
pub const NAME: &str = "org.kde.StatusNotifierWatcher";
/// Where the watcher's object lives.
pub const PATH: &str = "/StatusNotifierWatcher";

/// The registered items (bus name or path, as the item gave it).
#[derive(Debug, Default)]
pub struct Watcher {
    items: Vec<String>,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &mut self,
        service: String,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        report::event(serde_json::json!({ "event": "itemRegistered", "service": service }));
        Self::status_notifier_item_registered(&emitter, &service).await?;
        self.items.push(service);
        Ok(())
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.clone()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}
