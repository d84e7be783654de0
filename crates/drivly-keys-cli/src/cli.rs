//! The command-line surface (clap derive): commands, flags, help text with examples, and the
//! documented `--json` fields and exit codes.
//!
//! Conventions: `--profile` (env `DRIVLY_KEYS_PROFILE`) and `--json` are global, so every
//! command takes them; secrets are never accepted as arguments (argv is visible to every local
//! user through `ps` and `/proc`), only on standard input or at a hidden prompt.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::EXIT_CODES_HELP;

const TOP_AFTER_HELP: &str = "\
Examples:
  drivly-keys login --profile emulator
  curl -H \"Authorization: Bearer $(drivly-keys token)\" https://commerce.driv.ly/api/invoices
  drivly-keys exec -- ./integration-tests.sh
  printf %s \"$KEY\" | drivly-keys keys add ci-key
  drivly-keys mint --key ci-key --permissions invoices.read --expires 1h

A command's output (a token, or a report such as `status`, `keys list`, `decode`) goes to
standard output, so it pipes; messages, confirmations and prompts go to standard error. With
--json, reports are one JSON document on standard output (field names are stable, camelCase) and
errors are {\"error\":{\"code\":…,\"message\":…}} on standard error. Colour only on a terminal
(decided per stream), never with NO_COLOR. Files live in DRIVLY_KEYS_HOME when set; secrets live only in the system keyring.";

/// Fresh Drivly JWTs for scripts and terminals. Shares profiles, keys and sessions with the
/// Drivly Keys desktop app.
#[derive(Debug, Parser)]
#[command(
    name = "drivly-keys",
    version,
    after_help = format!("{TOP_AFTER_HELP}\n\n{EXIT_CODES_HELP}"),
    propagate_version = true
)]
pub struct Cli {
    /// The global options.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The profile (Drivly environment) to use; defaults to the active profile.
    #[arg(long, global = true, env = "DRIVLY_KEYS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Print the report as JSON on standard output (stable camelCase field names).
    #[arg(long, global = true)]
    pub json: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, add, remove and choose profiles.
    #[command(
        subcommand,
        after_help = "Examples:\n  drivly-keys profiles list\n  drivly-keys profiles add staging --url https://staging.example.com/api --env sandbox\n  drivly-keys profiles use emulator"
    )]
    Profiles(ProfilesCommand),
    /// Store, list, copy and remove API keys (kept in the system keyring).
    #[command(
        subcommand,
        after_help = "Examples:\n  printf %s \"$DRIVLY_API_KEY\" | drivly-keys keys add ci-key\n  drivly-keys keys list --json\n  drivly-keys keys copy ci-key\n  drivly-keys keys remove ci-key"
    )]
    Keys(KeysCommand),
    /// Mint a JWT with a stored API key and print it.
    #[command(after_help = "\
Examples:
  drivly-keys mint --key ci-key --permissions invoices.read,services.write
  drivly-keys mint --key ci-key --permissions invoices.read --expires 30d
  drivly-keys mint --key ci-key --permissions invoices.read --expires 2027-01-01T00:00:00Z

--json fields: token, expires, profile, key, permissions")]
    Mint(MintArgs),
    /// Sign in with the browser (loopback redirect) and store the session.
    #[command(after_help = "\
Examples:
  drivly-keys login
  drivly-keys login --profile emulator --permissions invoices.read
  drivly-keys login --no-browser      # prints the URL on standard error and waits

The browser is $BROWSER when set (a command run with the URL), else xdg-open.
--json fields: profile, sessionId, subject, account, permissions, jwtExpires, replaced")]
    Login(LoginArgs),
    /// Print a session JWT valid for at least --min-ttl seconds, refreshing when needed.
    #[command(after_help = "\
Examples:
  drivly-keys token
  curl -H \"Authorization: Bearer $(drivly-keys token --min-ttl 300)\" …

No network call is made while the shared JWT has more than --min-ttl left.
--json fields: token, expires, profile, sessionId")]
    Token(TokenArgs),
    /// Show profiles, stored keys and sessions with their state and time left.
    #[command(after_help = "\
Examples:
  drivly-keys status
  drivly-keys status --json | jq '.sessions[].secondsLeft'
  drivly-keys status --session \"staging admin\"

--json fields: activeProfile, profiles[{id,name,baseUrl,environment,active}], keyring{ok,code,
message}, keys{total,byProfile}, sessions[{id,profileId,subject,account,label,permissions,
created,lastRefresh,jwtExpires,secondsLeft,state,serverClockSkewSecs}]; serverClockSkewSecs is
the server's clock minus this computer's when over 30 s (else null)")]
    Status(StatusArgs),
    /// Check whether a profile can work: the server, each endpoint and the JWKS (probed
    /// without credentials), the clock skew, the keyring, the sign-in link's handler and the
    /// sessions. No secret is ever printed: paste it into a support request as it is. Exit 0
    /// when all is well, 4 when the server cannot be reached, 1 with the problems listed.
    #[command(after_help = "\
Examples:
  drivly-keys doctor
  drivly-keys doctor --profile staging --json

--json fields: profile, baseUrl, checkedAt, server{host,addresses,scheme,reachable,status,error},
endpoints[{name,path,url,status,missing,error}], jwks{url,status,keys[{kid,kty,alg}],problem},
clockSkewSeconds (server minus local), keyring{ok,code,message}, linkHandler{scheme,handledBy,
origin,systemEntries,userEntries}, sessions[{id,subject,secondsLeft,lastRefresh,
serverClockSkewSecs,problem}], orphans{enumerable,remaining[{entry,kind,firstSeen}],removed},
problems[]")]
    Doctor,
    /// Sign out: revoke the profile's sessions on the server and delete them here.
    #[command(after_help = "\
Examples:
  drivly-keys logout --profile emulator
  drivly-keys logout --session ana@example.com

--json fields: profile, sessions[{id,outcome,reason}]")]
    Logout(LogoutArgs),
    /// Decode a JWT locally: claims, permissions table, expiry and warnings; with --verify,
    /// check its signature.
    #[command(after_help = "\
Examples:
  drivly-keys token | drivly-keys decode
  printf %s \"$JWT\" | drivly-keys decode --verify
  drivly-keys decode --verify --jwks https://auth.example.com/.well-known/jwks.json < token.txt

The token is read from standard input: a token given as an argument is visible to other users
in `ps`, so it still works but prints a note when you type it at a terminal. Without --verify
nothing is sent anywhere and the signature is not checked. With --verify the profile's public
keys (its JWKS) or --jwks URL are fetched, never the token; the exit code is 0 only when the
signature is verified, 8 otherwise (after the report is printed).
--json fields: the inspector's (header, claims, alg, issuer, subject, kind, issuedAt, notBefore,
expiresAt, secondsRemaining, permissions{granted,unrecognised,table}, warnings[{code,severity,
message}]) and signature{status (verified|invalid|unverified), message}")]
    Decode(DecodeArgs),
    /// Run a command with DRIVLY_TOKEN and DRIVLY_API_URL set to a fresh token and the base URL.
    #[command(after_help = "\
Examples:
  drivly-keys exec -- ./run-tests.sh
  drivly-keys exec --profile emulator -- sh -c 'curl -H \"Authorization: Bearer $DRIVLY_TOKEN\" \"$DRIVLY_API_URL/invoices\"'
  drivly-keys exec --token-server -- npm test
  drivly-keys exec --proxy -- npm run dev

DRIVLY_TOKEN lives about 10 minutes. For longer runs, --token-server also sets DRIVLY_TOKEN_URL
(http://127.0.0.1:PORT/token) and DRIVLY_TOKEN_AUTH (a secret for this run): GET the URL with
`Authorization: Bearer $DRIVLY_TOKEN_AUTH` for {\"token\",\"expires\"}, always with at least
--min-ttl left. --proxy points DRIVLY_API_URL at a local proxy that adds a fresh token to every
request. Both live exactly as long as the command; SIGINT, SIGTERM and SIGHUP are passed on to it,
and its exit code is passed through (128+N when signal N ended it).")]
    Exec(ExecArgs),
    // --- issue #15: long-running programs (proxy, run) ---
    /// Serve a local proxy to the profile's API that adds a fresh token to every request.
    #[command(after_help = "\
Examples:
  drivly-keys proxy --profile emulator
  drivly-keys proxy --port 8787 --session 3f2a
  drivly-keys proxy --key ci-key --permissions invoices.read

The first line on standard output is the proxy's base URL (http://127.0.0.1:PORT/api); then one
line per request on standard error (method, path, status, time; never a header or query value).
It listens on 127.0.0.1 only and refuses requests from web pages (any Origin header, cross-site
fetch metadata) and requests addressed to another host. Ctrl-C or SIGTERM stops it.")]
    Proxy(ProxyArgs),
    /// Run a command with drivly:// references in its environment resolved, and those values
    /// concealed in its output.
    #[command(after_help = "\
Examples:
  drivly-keys run --env-file .env -- npm test
  DRIVLY_KEY=drivly://emulator/keys/ci-key drivly-keys run -- ./deploy.sh

References: drivly://PROFILE/keys/LABEL (a stored API key), drivly://PROFILE/session (a fresh
session JWT), drivly://PROFILE/session/SESSION (a given session). Env files use dotenv syntax
(KEY=VALUE, # comments, quotes, `export`); later files win over earlier ones and over the
environment. Other variables pass through untouched. Every resolved value is replaced by
<concealed by drivly-keys> in the command's standard output and error (--no-masking turns that
off). The exit code is passed through; an unresolvable reference stops before the command starts
(exit 6 unknown profile or key, 3 sign-in needed).")]
    Run(RunArgs),
    // --- end issue #15 ---
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  drivly-keys completions bash > ~/.local/share/bash-completion/completions/drivly-keys
  drivly-keys completions zsh > \"${fpath[1]}/_drivly-keys\"")]
    Completions(CompletionsArgs),
    /// Show which desktop entry opens sign-in links, and remove this account's own entry.
    LinkHandler(LinkHandlerArgs),
    /// Write the man pages (drivly-keys.1 and one per command) into a folder (for packaging).
    #[command(hide = true)]
    Manpage(ManpageArgs),
    /// The detached helper of `keys copy`: reads the secret on standard input, holds the
    /// clipboard and clears it (internal; see src/clipboard.rs).
    #[command(hide = true, name = "clipboard-hold")]
    ClipboardHold(ClipboardHoldArgs),
}

/// `clipboard-hold` (hidden).
#[derive(Debug, Args)]
pub struct ClipboardHoldArgs {
    /// Seconds before clearing; 0 = never.
    #[arg(long, value_name = "SECONDS")]
    pub clear_after: u32,
}

/// `profiles …`.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List profiles.
    #[command(after_help = "\
Examples:
  drivly-keys profiles list --json

--json fields: activeProfile, profiles[{id,name,baseUrl,environment,builtIn,active}]")]
    List,
    /// Add a profile.
    #[command(after_help = "\
Examples:
  drivly-keys profiles add staging --url https://staging.example.com/api --env sandbox
  drivly-keys profiles add acme --url https://auth.acme.example/api --client-id app_42 \
      --authorize-path oauth/authorize --token-path oauth/token --refresh-path oauth/refresh

Paths are relative to the URL (defaults: auth, auth/token, auth/refresh, auth/revoke,
.well-known/jwks.json; an empty --revoke-path or --jwks-path means the server has none).
--json fields: as `profiles show --json`")]
    Add(ProfileAddArgs),
    // --- protocol settings (issue 14) ---
    /// Change a profile's settings: only the flags given change.
    #[command(after_help = "\
Examples:
  drivly-keys profiles edit staging --refresh-path oauth/refresh --client-id app_42
  drivly-keys profiles edit drivly --redirect-form code
  drivly-keys profiles edit staging --defaults     # back to Drivly's paths, no client id

A built-in profile's URL is fixed, and a profile holding keys or sessions keeps its URL.
--json fields: as `profiles show --json`")]
    Edit(ProfileEditArgs),
    /// Print every setting of a profile.
    #[command(after_help = "\
Examples:
  drivly-keys profiles show staging --json

--json fields: id, name, baseUrl, environment, builtIn, active, redirectForm, clientId,
authorizePath, tokenPath, refreshPath, revokePath, jwksPath, dashboardUrl")]
    Show(ProfileNameArg),
    // --- end protocol settings ---
    /// Remove a profile you added, with what it holds: its sessions are signed out (revoked on
    /// the server where it allows) and its API keys deleted from this computer. A profile that
    /// holds keys or sessions needs --yes; without it the command says what it holds and
    /// exits with 2 (code profile_not_empty), changing nothing.
    #[command(after_help = "\
Examples:
  drivly-keys profiles remove staging
  drivly-keys profiles remove staging --yes

--json fields: id, name, keys, sessions (each: id, outcome), message")]
    Remove(ProfileRemoveArgs),
    /// Make a profile the active one (for the CLI and the desktop app).
    #[command(after_help = "Examples:\n  drivly-keys profiles use emulator")]
    Use(ProfileNameArg),
}

/// `profiles remove`.
#[derive(Debug, Args)]
pub struct ProfileRemoveArgs {
    /// The profile's name.
    pub name: String,
    /// Remove it even though it holds API keys or sessions (they are removed with it).
    #[arg(long)]
    pub yes: bool,
}

/// `profiles add`.
#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// The profile's name: lowercase letters, digits and '-'.
    pub name: String,
    /// The API base URL, for example https://commerce.driv.ly/api.
    #[arg(long)]
    pub url: String,
    /// The environment badge (default: local for 127.0.0.1/localhost, else production).
    #[arg(long = "env", value_enum)]
    pub environment: Option<EnvArg>,
    /// Protocol settings.
    #[command(flatten)]
    pub protocol: ProtocolArgs,
}

/// `profiles edit`.
#[derive(Debug, Args)]
pub struct ProfileEditArgs {
    /// The profile's name.
    pub name: String,
    /// A new API base URL.
    #[arg(long)]
    pub url: Option<String>,
    /// A new environment badge.
    #[arg(long = "env", value_enum)]
    pub environment: Option<EnvArg>,
    /// A new display name.
    #[arg(long = "display-name")]
    pub display_name: Option<String>,
    /// Put the redirect form, paths and client id back to Drivly's defaults first.
    #[arg(long)]
    pub defaults: bool,
    /// Protocol settings.
    #[command(flatten)]
    pub protocol: ProtocolArgs,
}

/// The protocol settings `profiles add` and `profiles edit` take (protocol.md B).
#[derive(Debug, Args)]
pub struct ProtocolArgs {
    /// How the sign-in redirect returns: code (with PKCE, the default) or token (warned).
    #[arg(long, value_enum)]
    pub redirect_form: Option<RedirectFormArg>,
    /// The OAuth client_id sent at sign-in and in token, refresh and revoke calls ("" = none).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The authorization page (and minting) path.
    #[arg(long, value_name = "PATH")]
    pub authorize_path: Option<String>,
    /// The code-exchange path.
    #[arg(long, value_name = "PATH")]
    pub token_path: Option<String>,
    /// The refresh path.
    #[arg(long, value_name = "PATH")]
    pub refresh_path: Option<String>,
    /// The revoke path ("" = the server has none).
    #[arg(long, value_name = "PATH")]
    pub revoke_path: Option<String>,
    /// The JWKS path ("" = the server publishes none).
    #[arg(long, value_name = "PATH")]
    pub jwks_path: Option<String>,
}

/// The sign-in redirect form.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RedirectFormArg {
    /// `?code=…`, exchanged with the PKCE verifier.
    Code,
    /// `?token=…&refreshToken=…` (the refresh token travels in a URL).
    Token,
}

/// A profile's environment badge.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EnvArg {
    /// Real money, real data.
    Production,
    /// Drivly's sandbox.
    Sandbox,
    /// A server on this machine.
    Local,
}

/// A profile name argument.
#[derive(Debug, Args)]
pub struct ProfileNameArg {
    /// The profile's name.
    pub name: String,
}

/// `keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Store an API key: the secret is read from standard input, a hidden prompt, or (with
    /// --from-env) the environment variable Drivly's SDK reads, DRIVLY_API_KEY.
    #[command(after_help = "\
Examples:
  printf %s \"$DRIVLY_API_KEY\" | drivly-keys keys add ci-key
  drivly-keys keys add laptop        # prompts without echo
  drivly-keys keys add sdk-key --from-env               # imports $DRIVLY_API_KEY
  drivly-keys keys add other --from-env MY_DRIVLY_KEY   # or another variable

The key is never accepted as an argument. Once imported, remove the variable from your shell's
start-up files: the keyring now holds it. --json fields: id, label, profile, maskedTail, created")]
    Add(KeyAddArgs),
    /// List the profile's stored keys (never the secrets).
    #[command(after_help = "\
Examples:
  drivly-keys keys list --json

--json fields: profile, keys[{id,label,profile,created,lastUsed,maskedTail,missingSecret,note}]")]
    List,
    /// Copy a key to the clipboard, marked as a password for clipboard managers, and clear it
    /// after the app's delay unless something else was copied meanwhile.
    #[command(after_help = "\
Examples:
  drivly-keys keys copy ci-key
  drivly-keys keys copy ci-key --clear-after 10

The command returns at once; a small helper process (this program, detached) holds the
clipboard and clears it. The delay is the desktop app's setting (default 30 s).
--json fields: label, profile, clearAfterSeconds (null when never cleared)")]
    Copy(KeyCopyArgs),
    /// Ask the key's server whether it accepts the key (exit 7 when it is refused).
    #[command(after_help = "\
Examples:
  drivly-keys keys verify ci-key

--json fields: label, profile, status (valid|rejected|unknown), message")]
    Verify(KeyLabelArg),
    /// Remove a key from this computer, revoking it on the server first where the server
    /// allows it (say so plainly when it could not).
    #[command(after_help = "\
Examples:
  drivly-keys keys remove ci-key
  drivly-keys keys remove ci-key --keep-on-server

--json fields: id, label, profile, maskedTail, server (revoked|alreadyInvalid|notRequested|notSupported|removedLocallyOnly), message")]
    Remove(KeyRemoveArgs),
}

/// `keys remove`.
#[derive(Debug, Args)]
pub struct KeyRemoveArgs {
    /// The key's label.
    pub label: String,
    /// Do not revoke the key on the server; only remove it from this computer.
    #[arg(long)]
    pub keep_on_server: bool,
}

/// `keys add`.
#[derive(Debug, Args)]
pub struct KeyAddArgs {
    /// A label, unique per profile.
    pub label: String,
    /// A free note shown in lists.
    #[arg(long)]
    pub note: Option<String>,
    /// Read the key from this environment variable instead of standard input
    /// (default: DRIVLY_API_KEY, the variable Drivly's SDK reads).
    #[arg(
        long,
        value_name = "VAR",
        num_args = 0..=1,
        default_missing_value = crate::secret_input::SDK_KEY_VARIABLE
    )]
    pub from_env: Option<String>,
}

/// `keys copy`.
#[derive(Debug, Args)]
pub struct KeyCopyArgs {
    /// The key's label.
    pub label: String,
    /// Clear the clipboard after this many seconds (0 = never). Default: the desktop app's
    /// setting (30 s unless changed).
    #[arg(long, value_name = "SECONDS")]
    pub clear_after: Option<u32>,
}

/// A key label argument.
#[derive(Debug, Args)]
pub struct KeyLabelArg {
    /// The key's label.
    pub label: String,
}

/// `mint`.
#[derive(Debug, Args)]
pub struct MintArgs {
    /// The label of the stored API key to mint with.
    #[arg(long, value_name = "LABEL")]
    pub key: String,
    /// Comma-separated permissions, each <resource>.read or <resource>.write.
    #[arg(long, value_name = "LIST")]
    pub permissions: String,
    /// Expiry: a duration (90s, 15m, 1h, 30d, 2w) or an ISO 8601 date/time
    /// (2027-01-01T00:00:00Z). Default: the server's (one year on Drivly).
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
}

/// `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Comma-separated permissions to request, each <resource>.read or <resource>.write.
    /// Default: read access to the documented resources (invoices.read,services.read).
    #[arg(long, value_name = "LIST")]
    pub permissions: Option<String>,
    /// Do not open a browser: print the URL on standard error and wait for the redirect.
    #[arg(long)]
    pub no_browser: bool,
}

/// `token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The least time, in seconds, the printed token must stay valid. Default 120 (half the
    /// lifetime for tokens living under 4 minutes).
    #[arg(long, value_name = "SECONDS")]
    pub min_ttl: Option<u64>,
    /// The session to use when the profile has several (its name, account, or id or the
    /// start of it).
    #[arg(long, value_name = "NAME|ID")]
    pub session: Option<String>,
}

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Show only this session of the profile (its name, account, or id or the start of it).
    #[arg(long, value_name = "NAME|ID")]
    pub session: Option<String>,
}

/// `logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Sign out of this session only (its name, account, or id or the start of it); without
    /// it, every session of the profile.
    #[arg(long, value_name = "NAME|ID")]
    pub session: Option<String>,
}

/// `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// `-` (the default) reads the JWT from standard input. A JWT given here works too, but
    /// other users can read it in `ps`.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Check the signature against the profile's published keys (JWKS); exit 8 unless it
    /// is verified.
    #[arg(long)]
    pub verify: bool,
    /// Check against the JWKS at this URL instead of the profile's.
    #[arg(long, value_name = "URL", requires = "verify")]
    pub jwks: Option<String>,
}

/// `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The least time, in seconds, the token must stay valid (as for `token`); with
    /// --token-server, every token the endpoint answers.
    #[arg(long, value_name = "SECONDS")]
    pub min_ttl: Option<u64>,
    /// The session to use when the profile has several (its name, account, or id or the
    /// start of it).
    #[arg(long, value_name = "NAME|ID")]
    pub session: Option<String>,
    /// Also serve fresh tokens at DRIVLY_TOKEN_URL (with DRIVLY_TOKEN_AUTH) while the command runs.
    #[arg(long)]
    pub token_server: bool,
    /// Point DRIVLY_API_URL at a local proxy that adds a fresh token to every request, for as
    /// long as the command runs.
    #[arg(long)]
    pub proxy: bool,
    /// The command and its arguments (after `--`).
    #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `proxy`.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The session to use when the profile has several (its name, account, or id or the
    /// start of it).
    #[arg(long, value_name = "NAME|ID", conflicts_with = "key")]
    pub session: Option<String>,
    /// The port on 127.0.0.1 (default: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,
    /// Use tokens minted from this stored API key instead of a session.
    #[arg(long, value_name = "LABEL", requires = "permissions")]
    pub key: Option<String>,
    /// With --key: exactly these permissions (comma-separated, <resource>.read|write).
    #[arg(long, value_name = "LIST", requires = "key")]
    pub permissions: Option<String>,
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A dotenv file to read (may be given several times; later files win).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<std::path::PathBuf>,
    /// Do not conceal the resolved values in the command's output (its output is then passed
    /// straight through).
    #[arg(long)]
    pub no_masking: bool,
    /// The command and its arguments (after `--`).
    #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `link-handler`.
#[derive(Debug, Args)]
pub struct LinkHandlerArgs {
    /// Remove the handler entry the app wrote into this account's data folder.
    #[arg(long)]
    pub remove_user_entry: bool,
}

/// `manpage` (hidden).
#[derive(Debug, Args)]
pub struct ManpageArgs {
    /// The folder to write the pages into.
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_surface_is_consistent() {
        Cli::command().debug_assert();
    }
}
