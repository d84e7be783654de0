//! Resources the permission grid offers by default.
//!
//! Drivly documents `invoices` and `services` in its authentication examples; the others are
//! plausible Drivly commerce resources offered as a starting point. The list only seeds the UI's
//! grid: any valid resource name can still be typed, and tokens are never judged against it.

use serde::Serialize;

/// A resource the UI lists in its permission grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownResource {
    /// The resource name used in permissions, such as `invoices`.
    pub name: &'static str,
    /// A short description for the grid.
    pub description: &'static str,
    /// True when Drivly's public documentation names this resource; false when assumed.
    pub documented: bool,
}

/// The resources offered by default, sorted by name.
pub const KNOWN_RESOURCES: &[KnownResource] = &[
    KnownResource {
        name: "customers",
        description: "Customer records",
        documented: false,
    },
    KnownResource {
        name: "deals",
        description: "Vehicle deals and their stages",
        documented: false,
    },
    KnownResource {
        name: "invoices",
        description: "Invoices",
        documented: true,
    },
    KnownResource {
        name: "listings",
        description: "Vehicle listings",
        documented: false,
    },
    KnownResource {
        name: "orders",
        description: "Orders",
        documented: false,
    },
    KnownResource {
        name: "payments",
        description: "Payments",
        documented: false,
    },
    KnownResource {
        name: "services",
        description: "Services",
        documented: true,
    },
    KnownResource {
        name: "vehicles",
        description: "Vehicles (VIN data, specs, pricing)",
        documented: false,
    },
    KnownResource {
        name: "webhooks",
        description: "Webhook subscriptions",
        documented: false,
    },
];

/// True when `name` is one of [`KNOWN_RESOURCES`].
pub fn is_known_resource(name: &str) -> bool {
    KNOWN_RESOURCES.iter().any(|r| r.name == name)
}

/// What a sign-in asks for when the user picks nothing: read access to the resources Drivly
/// documents. Enough to look around, nothing more (least privilege); the server refuses an
/// empty list. Shared by the desktop app and the CLI.
pub fn default_sign_in_permissions() -> Vec<String> {
    KNOWN_RESOURCES
        .iter()
        .filter(|r| r.documented)
        .map(|r| format!("{}.read", r.name))
        .collect()
}
