//! `profiles edit | show` and the protocol flags of `profiles add` (issue 14): endpoint paths,
//! redirect form and client id, validated by the core (`profile::protocol`), with the URL rules
//! of `usecases::profiles::edit_profile`.

use drivly_core::profile::TOKEN_FORM_WARNING;
use drivly_core::profile::{Environment, Profile, ProfileId, ProtocolPatch, RedirectForm};
use drivly_core::usecases::profiles::{ProfileEdit, edit_profile};
use serde::Serialize;

use crate::cli::{EnvArg, ProfileEditArgs, ProtocolArgs, RedirectFormArg};
use crate::context::Ctx;
use crate::error::CliError;

/// Every setting of a profile, as `profiles show --json` prints it (values as given).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSettingsView {
    id: String,
    name: String,
    base_url: String,
    environment: &'static str,
    built_in: bool,
    active: bool,
    redirect_form: &'static str,
    client_id: Option<String>,
    authorize_path: String,
    token_path: String,
    refresh_path: String,
    revoke_path: Option<String>,
    jwks_path: Option<String>,
    dashboard_url: Option<String>,
}

fn settings_view(profile: &Profile, active: bool) -> ProfileSettingsView {
    let e = &profile.endpoints;
    ProfileSettingsView {
        id: profile.id.to_string(),
        name: profile.name.clone(),
        base_url: profile.base_url.to_string(),
        environment: profile.environment.as_str(),
        built_in: profile.is_built_in(),
        active,
        redirect_form: redirect_form_name(profile.redirect_form),
        client_id: profile.client_id.clone(),
        authorize_path: e.auth.clone(),
        token_path: e.token.clone(),
        refresh_path: e.refresh.clone(),
        revoke_path: e.revoke.clone(),
        jwks_path: e.jwks.clone(),
        dashboard_url: profile.dashboard_url.as_ref().map(ToString::to_string),
    }
}

fn redirect_form_name(form: RedirectForm) -> &'static str {
    match form {
        RedirectForm::Code => "code",
        RedirectForm::Token => "token",
    }
}

/// The patch the flags describe (an empty value removes an optional setting).
pub fn patch_of(args: &ProtocolArgs) -> ProtocolPatch {
    let optional = |v: &Option<String>| {
        v.as_ref()
            .map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
    };
    ProtocolPatch {
        redirect_form: args.redirect_form.map(|f| match f {
            RedirectFormArg::Code => RedirectForm::Code,
            RedirectFormArg::Token => RedirectForm::Token,
        }),
        client_id: optional(&args.client_id),
        authorize_path: args.authorize_path.clone(),
        token_path: args.token_path.clone(),
        refresh_path: args.refresh_path.clone(),
        revoke_path: optional(&args.revoke_path),
        jwks_path: optional(&args.jwks_path),
    }
}

/// Says why the token form is a risk whenever a command leaves a profile using it.
pub fn warn_token_form(ctx: &Ctx, profile: &Profile) {
    if profile.redirect_form == RedirectForm::Token {
        ctx.out
            .warn(&format!("'{}' uses {TOKEN_FORM_WARNING}", profile.id));
    }
}

fn environment_of(arg: EnvArg) -> Environment {
    match arg {
        EnvArg::Production => Environment::Production,
        EnvArg::Sandbox => Environment::Sandbox,
        EnvArg::Local => Environment::Local,
    }
}

/// `profiles show NAME`.
///
/// # Errors
/// `profile_not_found`, `invalid_profile_name`, or an output error.
pub fn show(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let id = ProfileId::parse(name).map_err(CliError::core)?;
    let profile = ctx.profiles.get(&id).map_err(CliError::core)?;
    report(ctx, &profile)
}

/// Prints a profile's settings: JSON with `--json`, else one `key: value` line each, on stdout.
///
/// # Errors
/// An output error.
pub fn report(ctx: &Ctx, profile: &Profile) -> Result<(), CliError> {
    let active = ctx.profiles.active().map_err(CliError::core)?.id == profile.id;
    let view = settings_view(profile, active);
    if ctx.out.json() {
        return ctx.out.report(&view);
    }
    let none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    let lines = [
        ("profile", view.id.clone()),
        ("name", view.name.clone()),
        ("url", view.base_url.clone()),
        ("environment", view.environment.to_owned()),
        ("built-in", view.built_in.to_string()),
        ("active", view.active.to_string()),
        ("redirect form", view.redirect_form.to_owned()),
        ("client id", none(&view.client_id)),
        ("authorize path", view.authorize_path.clone()),
        ("token path", view.token_path.clone()),
        ("refresh path", view.refresh_path.clone()),
        ("revoke path", none(&view.revoke_path)),
        ("jwks path", none(&view.jwks_path)),
        ("dashboard", none(&view.dashboard_url)),
    ];
    for (key, value) in lines {
        ctx.out.stdout_line(&format!("{key:<15} {value}"))?;
    }
    Ok(())
}

/// `profiles edit NAME [flags]`: only what is given changes. A URL change goes through the
/// `edit_profile` use case (which refuses to move credentials); other changes need no keyring.
///
/// # Errors
/// `profile_not_found`, `invalid_profile_setting`, `invalid_url`, `profile_url_fixed`,
/// `profile_in_use`, keyring errors when the URL changes.
pub async fn edit(ctx: &Ctx, args: &ProfileEditArgs) -> Result<(), CliError> {
    let id = ProfileId::parse(&args.name).map_err(CliError::core)?;
    let current = ctx.profiles.get(&id).map_err(CliError::core)?;
    let mut protocol = if args.defaults {
        ProtocolPatch::drivly_defaults()
    } else {
        ProtocolPatch::default()
    };
    let given = patch_of(&args.protocol);
    merge(&mut protocol, given);
    let base_url = match &args.url {
        Some(url) => Profile::validate_base_url(url).map_err(CliError::core)?,
        None => current.base_url.clone(),
    };
    let name = match &args.display_name {
        Some(n) if !n.trim().is_empty() => n.trim().to_owned(),
        Some(_) => {
            return Err(CliError::core(
                drivly_core::profile::store::ConfigError::InvalidName,
            ));
        }
        None => current.name.clone(),
    };
    let environment = args.environment.map_or(current.environment, environment_of);
    let updated = if base_url == current.base_url {
        // No URL change: no credential can move, so the keyring is not needed.
        let mut next = current;
        protocol.apply(&mut next).map_err(CliError::core)?;
        next.name = name;
        next.environment = environment;
        ctx.profiles.update(next).map_err(CliError::core)?
    } else {
        let stores = ctx.stores()?;
        let edit = ProfileEdit {
            name,
            base_url,
            environment,
            protocol,
        };
        edit_profile(&stores, &id, edit)
            .await
            .map_err(CliError::core)?
    };
    warn_token_form(ctx, &updated);
    if !ctx.out.json() {
        ctx.out
            .info(&format!("Updated the profile '{}'.", updated.id));
    }
    report(ctx, &updated)
}

/// Lays the flags over `--defaults`: a flag given wins.
fn merge(base: &mut ProtocolPatch, given: ProtocolPatch) {
    macro_rules! over {
        ($($field:ident),*) => { $( if given.$field.is_some() { base.$field = given.$field; } )* };
    }
    over!(
        redirect_form,
        client_id,
        authorize_path,
        token_path,
        refresh_path,
        revoke_path,
        jwks_path
    );
}
