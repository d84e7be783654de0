//! `profiles list | add | remove | use`: the shared profile store, nothing else.

use drivly_core::profile::{Endpoints, Environment, Profile, ProfileId, RedirectForm};
use serde::Serialize;

use super::profile_settings;
use crate::cli::{EnvArg, ProfileAddArgs, ProfilesCommand};
use crate::context::Ctx;
use crate::error::CliError;

/// A profile as `--json` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileView {
    id: String,
    name: String,
    base_url: String,
    environment: &'static str,
    built_in: bool,
    active: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileList {
    active_profile: String,
    profiles: Vec<ProfileView>,
}

fn view(profile: &Profile, active: &ProfileId) -> ProfileView {
    ProfileView {
        id: profile.id.to_string(),
        name: profile.name.clone(),
        base_url: profile.base_url.to_string(),
        environment: profile.environment.as_str(),
        built_in: profile.is_built_in(),
        active: &profile.id == active,
    }
}

/// Runs a `profiles` subcommand.
///
/// # Errors
/// Profile store errors (`profile_not_found`, `profile_exists`, `invalid_url`, …).
pub async fn run(ctx: &Ctx, command: &ProfilesCommand) -> Result<(), CliError> {
    match command {
        ProfilesCommand::List => list(ctx),
        ProfilesCommand::Add(args) => add(ctx, args),
        ProfilesCommand::Edit(args) => profile_settings::edit(ctx, args).await,
        ProfilesCommand::Show(arg) => profile_settings::show(ctx, &arg.name),
        ProfilesCommand::Remove(args) => super::profile_remove::run(ctx, args).await,
        ProfilesCommand::Use(arg) => {
            let id = ProfileId::parse(&arg.name).map_err(CliError::core)?;
            let chosen = ctx.profiles.set_active(&id).map_err(CliError::core)?;
            report_one(ctx, &chosen, "Now using the profile")
        }
    }
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let all = ctx.profiles.list().map_err(CliError::core)?;
    let active = ctx.profiles.active().map_err(CliError::core)?.id;
    if ctx.out.json() {
        return ctx.out.report(&ProfileList {
            active_profile: active.to_string(),
            profiles: all.iter().map(|p| view(p, &active)).collect(),
        });
    }
    for p in &all {
        let mark = if p.id == active { "*" } else { " " };
        ctx.out.report_line(&format!(
            "{mark} {:<16} {:<10} {}",
            p.id,
            p.environment.as_str(),
            p.base_url
        ))?;
    }
    Ok(())
}

fn add(ctx: &Ctx, args: &ProfileAddArgs) -> Result<(), CliError> {
    let id = ProfileId::parse(&args.name).map_err(CliError::core)?;
    let base_url = Profile::validate_base_url(&args.url).map_err(CliError::core)?;
    let environment = match args.environment {
        Some(EnvArg::Production) => Environment::Production,
        Some(EnvArg::Sandbox) => Environment::Sandbox,
        Some(EnvArg::Local) => Environment::Local,
        None if is_local(&base_url) => Environment::Local,
        None => Environment::Production,
    };
    let mut profile = Profile {
        id,
        name: args.name.clone(),
        base_url,
        environment,
        endpoints: Endpoints::default(),
        redirect_form: RedirectForm::default(),
        dashboard_url: None,
        api_key_revoke_url: None,
        client_id: None,
    };
    profile_settings::patch_of(&args.protocol)
        .apply(&mut profile)
        .map_err(CliError::core)?;
    let added = ctx.profiles.add(profile).map_err(CliError::core)?;
    profile_settings::warn_token_form(ctx, &added);
    if ctx.out.json() {
        return profile_settings::report(ctx, &added);
    }
    report_one(ctx, &added, "Added the profile")
}

fn is_local(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

fn report_one(ctx: &Ctx, profile: &Profile, what: &str) -> Result<(), CliError> {
    if ctx.out.json() {
        let active = ctx.profiles.active().map_err(CliError::core)?.id;
        return ctx.out.report(&view(profile, &active));
    }
    ctx.out.info(&format!(
        "{what} '{}' ({}, {}).",
        profile.id,
        profile.environment.as_str(),
        profile.base_url
    ));
    Ok(())
}
