//! A notification server (the freedesktop Desktop Notifications Specification, 1.2): it shows
//! nothing, it reports each notification, and it clicks an action when the test says so.

use std::collections::HashMap;

use zbus::interface;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

use crate::report;

/// The well-known name of the server.
pub const NAME: &str = "org.freedesktop.Notifications";
/// Where the server's object lives.
pub const PATH: &str = "/org/freedesktop/Notifications";

/// Why a notification closed (the specification's reason codes).
const CLOSED_BY_CALL: u32 = 3;
const DISMISSED: u32 = 2;

/// The server: ids count up from 1, as most servers do.
#[derive(Debug)]
pub struct Server {
    actions: bool,
    last_id: u32,
}

impl Server {
    /// A server that does (or does not) announce the "actions" capability.
    pub fn new(actions: bool) -> Self {
        Self {
            actions,
            last_id: 0,
        }
    }
}

#[interface(name = "org.freedesktop.Notifications")]
impl Server {
    #[allow(clippy::too_many_arguments)] // the specification's signature
    fn notify(
        &mut self,
        app_name: String,
        replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = if replaces_id == 0 {
            self.last_id += 1;
            self.last_id
        } else {
            replaces_id
        };
        // Actions come as a flat list: key, label, key, label…
        let actions: Vec<_> = actions
            .chunks(2)
            .map(|pair| serde_json::json!({ "key": pair[0], "label": pair.get(1) }))
            .collect();
        report::event(serde_json::json!({
            "event": "notify", "id": id, "app": app_name, "summary": summary, "body": body,
            "actions": actions,
        }));
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        let mut capabilities = vec!["body".to_owned()];
        if self.actions {
            capabilities.push("actions".to_owned());
        }
        capabilities
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "desktop-double".to_owned(),
            "drivly-keys".to_owned(),
            env!("CARGO_PKG_VERSION").to_owned(),
            "1.2".to_owned(),
        )
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        report::event(serde_json::json!({ "event": "closed", "id": id, "by": "app" }));
        Self::notification_closed(&emitter, id, CLOSED_BY_CALL).await?;
        Ok(())
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;
}

/// The user clicks action `key` of notification `id`; the server then closes it, as servers do.
pub async fn invoke(connection: &zbus::Connection, id: u32, key: &str) -> zbus::Result<()> {
    let server = connection
        .object_server()
        .interface::<_, Server>(PATH)
        .await?;
    Server::action_invoked(server.signal_emitter(), id, key).await?;
    Server::notification_closed(server.signal_emitter(), id, DISMISSED).await
}

/// The user dismisses notification `id`.
pub async fn close(connection: &zbus::Connection, id: u32) -> zbus::Result<()> {
    let server = connection
        .object_server()
        .interface::<_, Server>(PATH)
        .await?;
    Server::notification_closed(server.signal_emitter(), id, DISMISSED).await
}
