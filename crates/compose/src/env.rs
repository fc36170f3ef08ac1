//! Environment variables: what a composition reads as `process.env`, as Remotion gives them
//! (its `envVariables`, the CLI's `--env-file` and a project's `.env`), with `NODE_ENV` set to
//! `production` as in a render.
//!
//! `.env` files are read as the `dotenv` package reads them, so a project's file means the same
//! here: `KEY=value` lines (`export ` before the key is allowed, and `KEY: value`), `#`
//! comments, values in single, double or back quotes (which may run over several lines; in
//! double quotes `\n` and `\r` stand for a new line and a carriage return), unquoted values cut
//! at `#` and trimmed, and the last of a repeated key winning (a byte-order mark is blank, and
//! `\r` ends a line as `\n` does). Lines that are none of these are skipped, and said to be.

use std::collections::BTreeMap;

/// Variable names and their values, in name order.
pub type EnvVariables = BTreeMap<String, String>;

/// What a `.env` file gives: its variables, and the lines that were not variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub variables: EnvVariables,
    pub skipped: Vec<SkippedLine>,
}

/// A line of a `.env` file that was skipped (numbered from 1), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    pub line: usize,
    pub reason: &'static str,
}

/// Reads a `.env` file's text (see the module's documentation).
pub fn parse_env_file(text: &str) -> EnvFile {
    // As dotenv: a byte-order mark is blank, and `\r\n` or a lone `\r` ends a line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut file = EnvFile::default();
    let mut next = 0;
    while next < lines.len() {
        let number = next + 1;
        let line = lines[next].trim_start();
        next += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = strip_export(line);
        let key_length = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .unwrap_or(line.len());
        let (key, rest) = line.split_at(key_length);
        // `KEY = value` and `KEY: value`, not `KEY : value`.
        let value = match (rest.trim_start().strip_prefix('='), rest.strip_prefix(':')) {
            (Some(value), _) => value,
            (None, Some(value)) if value.starts_with([' ', '\t']) => value,
            _ => {
                file.skipped.push(SkippedLine {
                    line: number,
                    reason: "not KEY=VALUE",
                });
                continue;
            }
        };
        if key.is_empty() {
            file.skipped.push(SkippedLine {
                line: number,
                reason: "no name before the =",
            });
            continue;
        }
        let value = value.trim_start_matches([' ', '\t']);
        let value = match quoted(value, &lines[next..]) {
            Some((value, more_lines)) => {
                next += more_lines;
                value
            }
            None => {
                let value = unquoted(value);
                match value.starts_with('"') {
                    true => expand(value),
                    false => value.to_string(),
                }
            }
        };
        file.variables.insert(key.to_string(), value);
    }
    file
}

fn strip_export(line: &str) -> &str {
    match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    }
}

/// An unquoted value: up to a `#`, trimmed.
fn unquoted(value: &str) -> &str {
    value.split('#').next().unwrap_or("").trim()
}

/// A double-quoted value's `\n` and `\r`.
fn expand(value: &str) -> String {
    value.replace("\\n", "\n").replace("\\r", "\r")
}

/// A value in quotes, which may close on one of the `following` lines, where nothing but
/// blanks and a comment follows the closing quote; the value and how many of the following
/// lines it took. `None` where the value is not quoted that way (it is then read unquoted, as
/// dotenv reads it).
fn quoted(value: &str, following: &[&str]) -> Option<(String, usize)> {
    let quote = value
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &value[1..];
    // Within the line first; else the rest of the file, joined once.
    let (mut text, end) = match closing(body, quote) {
        Some(end) => (body.to_string(), end),
        None if following.is_empty() => return None,
        None => {
            let text = format!("{body}\n{}", following.join("\n"));
            let end = closing(&text, quote)?;
            (text, end)
        }
    };
    let taken = text[..end].matches('\n').count();
    text.truncate(end);
    if quote == '"' {
        text = expand(&text);
    }
    Some((text, taken))
}

/// Where the value that opened with `quote` closes in `text`: the first quote not escaped by
/// a backslash, or else an escaped one before it (dotenv's pattern backtracks onto those),
/// followed by nothing but blanks and a comment on its line.
fn closing(text: &str, quote: char) -> Option<usize> {
    let mut escaped = Vec::new();
    let mut first = None;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|&(_, next)| next == quote) {
            escaped.push(index + 1);
            chars.next();
        } else if c == quote {
            first = Some(index);
            break;
        }
    }
    let closes = |at: usize| {
        let after = text[at + 1..].split('\n').next().unwrap_or("").trim_start();
        after.is_empty() || after.starts_with('#')
    };
    first
        .into_iter()
        .chain(escaped.into_iter().rev())
        .find(|&at| closes(at))
}

/// What `process.env` holds for `variables`: them, and `NODE_ENV` (`production`, as in any
/// render: Remotion's bundler writes it into the code, whatever the variables say).
pub fn process_env(variables: &EnvVariables) -> EnvVariables {
    let mut env = variables.clone();
    env.insert("NODE_ENV".into(), "production".into());
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(String, String)> {
        parse_env_file(text).variables.into_iter().collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn lines_are_read_as_dotenv_reads_them() {
        let text = "# a comment\n\
                    API_URL=https://example.com/v1 # the server\n\
                    export REGION = eu-west-1\n\
                    EMPTY=\n\
                    SPACED =  two words  \n\
                    HASH=abc#def\n\
                    COLOUR=#ff0000\n\
                    COLON: value\n\
                    dotted.name-1=x\r\n\
                    REPEATED=first\n\
                    REPEATED=second\n";
        assert_eq!(
            parsed(text),
            pairs(&[
                ("API_URL", "https://example.com/v1"),
                ("COLON", "value"),
                ("COLOUR", ""),
                ("EMPTY", ""),
                ("HASH", "abc"),
                ("REGION", "eu-west-1"),
                ("REPEATED", "second"),
                ("SPACED", "two words"),
                ("dotted.name-1", "x"),
            ])
        );
    }

    #[test]
    fn quotes_keep_what_is_inside_them() {
        let text = "SINGLE='  a # b  '\n\
                    DOUBLE=\"line one\\nline two\" # comment\n\
                    BACK=`it's \"both\"`\n\
                    ESCAPED='it\\'s'\n\
                    MULTI=\"first\nsecond\"\n\
                    AFTER=1\n\
                    TRAILING=\"x\" y\n\
                    OPEN=\"never closed\n\
                    PATH_END=\"C:\\dir\\\"\n\
                    FALLBACK=\"a\\nb\" c\n";
        assert_eq!(
            parsed(text),
            pairs(&[
                ("AFTER", "1"),
                ("BACK", "it's \"both\""),
                ("DOUBLE", "line one\nline two"),
                ("ESCAPED", "it\\'s"),
                ("FALLBACK", "\"a\nb\" c"),
                ("MULTI", "first\nsecond"),
                ("OPEN", "\"never closed"),
                ("PATH_END", "C:\\dir\\"),
                ("SINGLE", "  a # b  "),
                ("TRAILING", "\"x\" y"),
            ])
        );
    }

    #[test]
    fn other_lines_are_skipped_and_named() {
        let file =
            parse_env_file("\u{feff}GOOD=1\rjust words\r\n=no name\nKEY:novalue\nSPACE : x\n");
        assert_eq!(file.variables.len(), 1);
        assert_eq!(file.variables["GOOD"], "1");
        assert_eq!(
            file.skipped,
            vec![
                SkippedLine {
                    line: 2,
                    reason: "not KEY=VALUE"
                },
                SkippedLine {
                    line: 3,
                    reason: "no name before the ="
                },
                SkippedLine {
                    line: 4,
                    reason: "not KEY=VALUE"
                },
                SkippedLine {
                    line: 5,
                    reason: "not KEY=VALUE"
                },
            ]
        );
    }

    #[test]
    fn node_env_is_production() {
        let mut variables = EnvVariables::new();
        variables.insert("NODE_ENV".into(), "development".into());
        variables.insert("A".into(), "1".into());
        let env = process_env(&variables);
        assert_eq!(env["NODE_ENV"], "production");
        assert_eq!(env["A"], "1");
    }

    #[test]
    fn any_text_is_read_without_panicking() {
        // A small, fixed-seed stand-in for the fuzz target (fuzz/fuzz_targets/env_file.rs):
        // lines built from the characters that matter to the format.
        let pieces = [
            "A", "b_1", "=", ":", " ", "\t", "#", "'", "\"", "`", "\\", "\n", "\r", "export ", "é",
            "x",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let file = parse_env_file(&text);
            assert!(
                file.variables.keys().all(|name| !name.is_empty()),
                "{text:?}"
            );
            let lines = text.split('\n').count() + text.matches('\r').count();
            assert!(
                file.skipped.iter().all(|s| (1..=lines).contains(&s.line)),
                "{text:?}"
            );
        }
    }
}
