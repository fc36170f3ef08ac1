//! Maps QuickJS stack traces of transpiled code back to the original source lines.

use crate::bundle::Bundle;
use crate::error::{SourceLocation, StackFrame, code_frame};
use crate::transpile::map_position;

/// Parses a QuickJS `error.stack` and maps every location in a project module to its source.
/// Returns the frames and a code frame around the innermost project location.
pub fn map_stack(bundle: &Bundle, stack: &str) -> (Vec<StackFrame>, Option<String>) {
    let mut frames = Vec::new();
    let mut frame_text = None;
    for line in stack.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("at ") else {
            continue;
        };
        let (function, location) = match rest.rsplit_once(" (") {
            Some((function, location)) => (function.to_string(), location.trim_end_matches(')')),
            None => ("<anonymous>".to_string(), rest),
        };
        let location =
            parse_location(location).map(|(file, line, column)| match bundle.modules.get(file) {
                Some(module) => {
                    let (line, column) = module
                        .source_map
                        .as_ref()
                        .and_then(|map| map_position(map, line, column))
                        .unwrap_or((line, column));
                    if frame_text.is_none() {
                        frame_text = Some(code_frame(&module.source, line, column));
                    }
                    SourceLocation {
                        file: file.to_string(),
                        line,
                        column,
                    }
                }
                None => SourceLocation {
                    file: file.to_string(),
                    line,
                    column,
                },
            });
        frames.push(StackFrame { function, location });
    }
    (frames, frame_text)
}

/// `file:line:col` or `file:line` → parts.
fn parse_location(text: &str) -> Option<(&str, u32, u32)> {
    let (head, last) = text.rsplit_once(':')?;
    let last: u32 = last.parse().ok()?;
    match head.rsplit_once(':') {
        Some((file, line)) if line.parse::<u32>().is_ok() => Some((file, line.parse().ok()?, last)),
        _ => Some((head, last, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        assert_eq!(parse_location("src/a.tsx:3:9"), Some(("src/a.tsx", 3, 9)));
        assert_eq!(
            parse_location("kinema:render:12:4"),
            Some(("kinema:render", 12, 4))
        );
        assert_eq!(parse_location("src/a.tsx:3"), Some(("src/a.tsx", 3, 1)));
        assert_eq!(parse_location("native"), None);
    }
}
