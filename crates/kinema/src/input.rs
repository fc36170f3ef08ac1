//! Turning command-line inputs into a bundle and props: an entry file or a code file, and
//! `--props` given inline or as `@file`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, BundleKind, CodeComposition, ConfigOverrides, EnvVariables};
use kinema_paint::MAX_SIDE;
use kinema_paint::fetch::ProjectFetcher;
use kinema_paint::resources::ResourceOptions;

/// The folder `staticFile()` serves, as Remotion's `--public-dir` names it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PublicDirOption {
    /// The folder staticFile() serves (default: the project's public/, or a public/ beside a
    /// code file).
    #[arg(long, value_name = "DIR")]
    pub public_dir: Option<PathBuf>,
}

impl PublicDirOption {
    /// The folder given, if one was, checked to be a folder.
    pub fn folder(&self) -> Result<Option<&Path>> {
        match self.public_dir.as_deref() {
            Some(dir) if !dir.is_dir() => bail!("--public-dir {} is not a folder", dir.display()),
            given => Ok(given),
        }
    }
}

/// What a composition's code and frames may load: the public folder `--public-dir` names (or
/// the project's), and the web unless `--offline`.
#[derive(Debug, Clone, Copy)]
pub struct Reach<'a> {
    pub public: &'a PublicDirOption,
    pub offline: bool,
}

impl Reach<'_> {
    /// The project's own public folder and the web.
    pub fn default_for_project() -> Reach<'static> {
        static NO_PUBLIC_DIR: PublicDirOption = PublicDirOption { public_dir: None };
        Reach {
            public: &NO_PUBLIC_DIR,
            offline: false,
        }
    }
}

/// The environment variables the code reads as `process.env`, as Remotion's CLI gathers them.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnvFileOption {
    /// A .env file whose variables the code reads as process.env (default: the project's .env,
    /// if it has one; REMOTION_* variables of this environment are passed too).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

impl EnvFileOption {
    /// The `REMOTION_` variables of this process's environment, then those of `--env-file`, or
    /// else of the `.env` in `project` if there is one: a file's win, as in Remotion.
    pub fn variables(&self, project: &Path) -> Result<EnvVariables> {
        let mut variables: EnvVariables = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .filter(|(name, _)| name.starts_with("REMOTION_"))
            .collect();
        let file = match &self.env_file {
            Some(file) => Some(file.clone()),
            None => Some(project.join(".env")).filter(|file| file.is_file()),
        };
        if let Some(file) = file {
            let text = std::fs::read_to_string(&file).with_context(|| match &self.env_file {
                Some(_) => format!("--env-file {}: cannot read it", file.display()),
                None => format!("cannot read {}", file.display()),
            })?;
            let parsed = kinema_compose::parse_env_file(&text);
            for skipped in &parsed.skipped {
                tracing::warn!(
                    "{}:{}: skipped, {}",
                    file.display(),
                    skipped.line,
                    skipped.reason
                );
            }
            variables.extend(parsed.variables);
        }
        Ok(variables)
    }
}

/// Options for a code file (a file exporting one component instead of calling `registerRoot`).
#[derive(Debug, Clone, clap::Args)]
pub struct CodeOptions {
    /// Treat the input as a code file exporting one component (like `inputProps.code` of the
    /// HTTP API) even if it calls registerRoot.
    #[arg(long)]
    pub code: bool,
    /// Duration in frames: a code file's composition's (default 150), or in place of a
    /// project composition's.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    pub duration: Option<u32>,
    /// Frame rate: a code file's composition's (default 30), or in place of a project
    /// composition's.
    #[arg(long, value_parser = parse_fps)]
    pub fps: Option<f64>,
    /// Width: a code file's composition's (default 1920), or in place of a project
    /// composition's.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SIDE)))]
    pub width: Option<u32>,
    /// Height: a code file's composition's (default 1080), or in place of a project
    /// composition's.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SIDE)))]
    pub height: Option<u32>,
}

impl CodeOptions {
    /// The composition a code file is rendered as: `DynamicComp`, at the size, rate and length
    /// the flags give (1920x1080, 30 fps, 150 frames otherwise).
    pub fn composition(&self) -> CodeComposition {
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: self.duration.unwrap_or(150),
            fps: self.fps.unwrap_or(30.0),
            width: self.width.unwrap_or(1920),
            height: self.height.unwrap_or(1080),
        }
    }

    /// Whether any of the composition flags was given.
    pub fn any_given(&self) -> bool {
        self.duration.is_some()
            || self.fps.is_some()
            || self.width.is_some()
            || self.height.is_some()
    }

    /// What the flags change in the composition `bundle` selects: a project's composition
    /// takes those given in place of its own (after its `calculateMetadata`, as Remotion's
    /// `forceWidth` and the like); a code file's composition was made from them already.
    pub fn overrides(&self, bundle: &Bundle) -> ConfigOverrides {
        match bundle.kind() {
            BundleKind::Code(_) => ConfigOverrides::default(),
            BundleKind::Project => ConfigOverrides {
                width: self.width,
                height: self.height,
                fps: self.fps,
                duration_in_frames: self.duration,
            },
        }
    }
}

/// `--fps`: a frame rate above 0 (the encoders say which rates they write).
fn parse_fps(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(fps) if fps.is_finite() && fps > 0.0 => Ok(fps),
        _ => Err(format!("must be a frame rate above 0, got {text}")),
    }
}

/// Loads `input`: a project entry (it calls `registerRoot`) or a code file exporting one
/// component, which is rendered as composition `DynamicComp`; its code reads `env`'s variables
/// (a project's `.env` is in its root; a code file's in its project's, or else its folder),
/// and its `fetch()` reaches what the frames' images may: the public folder (`public`'s, see
/// [`crate::still::public_dir`], which is returned too), the web (unless `offline`) and this
/// machine's files.
pub fn load_bundle(
    input: &Path,
    code: &CodeOptions,
    env: &EnvFileOption,
    Reach { public, offline }: Reach,
) -> Result<(Arc<Bundle>, Option<PathBuf>)> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let bundle = if code.code || !text.contains("registerRoot") {
        let composition = code.composition();
        let file_name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Bundle::from_code_named(&text, &file_name, composition)
    } else {
        Bundle::from_entry(input)
    };
    let bundle = bundle.with_context(|| format!("cannot load {}", input.display()))?;
    let project = match bundle.root() {
        Some(root) => root.to_path_buf(),
        None => {
            let folder = input.parent().filter(|p| !p.as_os_str().is_empty());
            let folder = folder.unwrap_or(Path::new("."));
            kinema_compose::project_root_of(
                &folder
                    .canonicalize()
                    .unwrap_or_else(|_| folder.to_path_buf()),
            )
        }
    };
    let variables = env.variables(&project)?;
    let public_dir = crate::still::public_dir(&bundle, input, public)?;
    let fetcher = ProjectFetcher::new(ResourceOptions {
        public_dir: public_dir.clone(),
        allow_remote: !offline,
        ..ResourceOptions::default()
    });
    let bundle = bundle.with_env(variables).with_fetcher(Arc::new(fetcher));
    Ok((Arc::new(bundle), public_dir))
}

/// Parses `--props`: a JSON object inline, or `@path` to a JSON file.
pub fn parse_props(props: Option<&str>) -> Result<serde_json::Value> {
    let Some(props) = props else {
        return Ok(serde_json::json!({}));
    };
    let (text, origin) = match props.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read props file {path}"))?,
            path.to_string(),
        ),
        None => (props.to_string(), "--props".to_string()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{origin} is not valid JSON"))?;
    if !value.is_object() {
        bail!("{origin} must be a JSON object");
    }
    Ok(value)
}
