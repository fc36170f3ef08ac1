//! Errors of the compose stage. Every error is a value that names where it happened:
//! the file, line and column for source problems, the composition and frame for runtime ones.

use std::fmt;

/// A position in a source file, 1-based like editors show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceLocation {
    /// Project-relative path of the file (`src/Scene.tsx`), or the virtual name of a code string.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Why a composition could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The entry file or a file it imports could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// The source does not parse or transform.
    #[error("syntax error at {location}: {message}\n{code_frame}")]
    Syntax {
        message: String,
        location: SourceLocation,
        code_frame: String,
    },

    /// An `import` names a module that is neither built in nor a project file.
    #[error("cannot resolve module '{specifier}' imported from {importer}: {reason}")]
    UnresolvedImport {
        specifier: String,
        importer: String,
        reason: String,
    },

    /// A JSON module is not valid JSON.
    #[error("invalid JSON in {path}: {message}")]
    Json { path: String, message: String },

    /// Code threw while it was loaded, or while the project's root was being registered.
    #[error("{context}: {exception}")]
    Script {
        context: String,
        /// The frame being rendered, when it was one.
        frame: Option<u32>,
        exception: Box<ScriptException>,
    },

    /// A frame (or metadata computation) ran longer than the CPU-time limit.
    #[error("{context}: exceeded the CPU time limit of {limit_ms} ms (an infinite loop?)")]
    Timeout {
        context: String,
        frame: Option<u32>,
        limit_ms: u64,
    },

    /// The composition's JavaScript heap outgrew the memory limit.
    #[error("{context}: exceeded the memory limit of {limit_mib} MiB")]
    OutOfMemory {
        context: String,
        frame: Option<u32>,
        limit_mib: usize,
    },

    /// No composition with this id was registered.
    #[error("no composition with id '{id}'; available: {}", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    UnknownComposition { id: String, available: Vec<String> },

    /// The requested frame is outside the composition.
    #[error("frame {frame} is out of range for composition '{id}' (0..={last})")]
    FrameOutOfRange { id: String, frame: i64, last: i64 },

    /// Input props are not a JSON object, or a code render request is incomplete.
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },

    /// The code awaited a promise that nothing settles: no callback was left to run and no
    /// timer was due within the wait's budget.
    #[error(
        "{context}: a promise never settled (nothing was left to run, and no timer was due \
         within 30 s of virtual time)"
    )]
    NeverSettled { context: String, frame: Option<u32> },

    /// The engine broke in a way that is not the composition's fault.
    #[error("internal JavaScript engine error: {0}")]
    Engine(String),
}

/// A JavaScript exception, with its stack mapped back to the original source lines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScriptException {
    /// `Error.name` (`TypeError`, …) when the thrown value was an Error.
    pub name: String,
    pub message: String,
    /// Source frames, innermost first, in user code and Kinema's runtime alike.
    pub stack: Vec<StackFrame>,
    /// The React component chain the error was thrown in, innermost first.
    pub component_stack: Vec<String>,
    /// A code frame around the innermost location in the project's own files.
    pub code_frame: Option<String>,
}

/// One frame of a mapped JavaScript stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackFrame {
    pub function: String,
    pub location: Option<SourceLocation>,
}

impl fmt::Display for ScriptException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.name, self.message)?;
        }
        for frame in &self.stack {
            match &frame.location {
                Some(location) => write!(f, "\n    at {} ({location})", frame.function)?,
                None => write!(f, "\n    at {}", frame.function)?,
            }
        }
        if !self.component_stack.is_empty() {
            write!(f, "\n  in components: {}", self.component_stack.join(" < "))?;
        }
        if let Some(code_frame) = &self.code_frame {
            write!(f, "\n{code_frame}")?;
        }
        Ok(())
    }
}

impl ComposeError {
    /// The frame that failed, for errors raised while one was rendered.
    pub fn frame(&self) -> Option<u32> {
        match self {
            Self::Script { frame, .. }
            | Self::Timeout { frame, .. }
            | Self::OutOfMemory { frame, .. }
            | Self::NeverSettled { frame, .. } => *frame,
            _ => None,
        }
    }

    /// The innermost source location in the project's own code the error points at, when it
    /// has one.
    pub fn location(&self) -> Option<&SourceLocation> {
        match self {
            Self::Syntax { location, .. } => Some(location),
            // The first frame in the project's own code: Kinema's modules (`kinema:…`) are
            // not the user's to fix, and a line of theirs would be taken for one of the user's.
            Self::Script { exception, .. } => exception
                .stack
                .iter()
                .filter_map(|f| f.location.as_ref())
                .find(|at| !at.file.starts_with("kinema:")),
            _ => None,
        }
    }
}

/// Renders a few lines of `source` around `line` (1-based) with a caret under `column`.
pub fn code_frame(source: &str, line: u32, column: u32) -> String {
    let line = line.max(1) as usize;
    let first = line.saturating_sub(2).max(1);
    let last = line + 2;
    let width = last.to_string().len();
    let mut out = String::new();
    for (index, text) in source.lines().enumerate() {
        let number = index + 1;
        if number < first {
            continue;
        }
        if number > last {
            break;
        }
        let marker = if number == line { '>' } else { ' ' };
        out.push_str(&format!("{marker} {number:>width$} | {text}\n"));
        if number == line {
            // Columns count characters; keep tabs so the caret lines up.
            let pad: String = text
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("  {:>width$} | {pad}^\n", ""));
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_frame_points_at_the_column() {
        let src = "a\nbb\nconst x = ;\ndd\nee\nff";
        let frame = code_frame(src, 3, 11);
        assert_eq!(
            frame,
            "  1 | a\n  2 | bb\n> 3 | const x = ;\n    |           ^\n  4 | dd\n  5 | ee"
        );
    }

    #[test]
    fn code_frame_survives_out_of_range_lines() {
        assert_eq!(code_frame("one", 9, 1), "");
        assert!(code_frame("one", 0, 0).contains("> 1 | one"));
    }
}
