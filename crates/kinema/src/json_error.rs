//! Failures of a command given `--json`: besides the text on stderr, the error goes to stdout as
//! one JSON object, so that a script reads a failure the way it reads a result.
//!
//! ```json
//! {"error": "composition 'Main', frame 3: TypeError: …", "causes": ["…", "…"],
//!  "frame": 3, "file": "src/Scene.tsx", "line": 5, "column": 9, "codeFrame": "…",
//!  "exception": {"name": "TypeError", "message": "…", "stack": […], "componentStack": […]}}
//! ```
//!
//! `error` is the whole message as stderr shows it, `causes` its parts from the outermost; the
//! rest appear only when known. `error`, `file`, `line`, `column` and `codeFrame` are named as
//! the HTTP API names them in its error bodies.

use kinema_compose::{ComposeError, ScriptException};
use kinema_farm::soundtrack::SoundError;
use kinema_paint::PaintError;
use serde_json::{Map, Value, json};

/// The JSON object for `error`, with the `hint` stderr shows after it.
pub fn error_json(error: &anyhow::Error, hint: Option<&str>) -> Value {
    let mut object = Map::new();
    object.insert("error".into(), json!(format!("{error:#}")));
    let causes: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    object.insert("causes".into(), json!(causes));
    if let Some(hint) = hint {
        object.insert("hint".into(), json!(hint));
    }
    let frame = error.chain().find_map(|cause| {
        cause
            .downcast_ref::<ComposeError>()
            .and_then(ComposeError::frame)
            .or_else(|| cause.downcast_ref::<PaintError>()?.frame())
            .or_else(|| cause.downcast_ref::<SoundError>()?.frame())
    });
    if let Some(frame) = frame {
        object.insert("frame".into(), json!(frame));
    }
    if let Some(compose) = error.chain().find_map(|c| c.downcast_ref::<ComposeError>()) {
        if let Some(at) = compose.location() {
            object.insert("file".into(), json!(at.file));
            object.insert("line".into(), json!(at.line));
            object.insert("column".into(), json!(at.column));
        }
        match compose {
            ComposeError::Syntax { code_frame, .. } => {
                object.insert("codeFrame".into(), json!(code_frame));
            }
            ComposeError::Script { exception, .. } => {
                if let Some(code_frame) = &exception.code_frame {
                    object.insert("codeFrame".into(), json!(code_frame));
                }
                object.insert("exception".into(), exception_json(exception));
            }
            _ => {}
        }
    }
    Value::Object(object)
}

/// The JSON object for a usage error, from clap's text of it: its first paragraph, without the
/// `error:` before it (the usage and `--help` advice after it are for people).
pub fn usage_error_json(rendered: &str) -> Value {
    let message = rendered.trim().trim_start_matches("error:").trim_start();
    let message = message.split("\n\n").next().unwrap_or(message).trim_end();
    json!({ "error": message, "causes": [message] })
}

fn exception_json(exception: &ScriptException) -> Value {
    let stack: Vec<Value> = exception
        .stack
        .iter()
        .map(|frame| match &frame.location {
            Some(at) => json!({
                "function": frame.function,
                "file": at.file,
                "line": at.line,
                "column": at.column,
            }),
            None => json!({ "function": frame.function }),
        })
        .collect();
    json!({
        "name": exception.name,
        "message": exception.message,
        "stack": stack,
        "componentStack": exception.component_stack,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;
    use kinema_compose::{SourceLocation, StackFrame};

    #[test]
    fn a_thrown_exception_names_its_frame_and_line() {
        let exception = ScriptException {
            name: "TypeError".into(),
            message: "x is undefined".into(),
            stack: vec![
                StackFrame {
                    function: "Inner".into(),
                    location: Some(SourceLocation {
                        file: "src/Scene.tsx".into(),
                        line: 5,
                        column: 9,
                    }),
                },
                StackFrame {
                    function: "render".into(),
                    location: None,
                },
            ],
            component_stack: vec!["Inner".into(), "Scene".into()],
            code_frame: Some("> 5 | x.y".into()),
        };
        let error = Err::<(), _>(ComposeError::Script {
            context: "composition 'Main', frame 3".into(),
            frame: Some(3),
            exception: Box::new(exception),
        })
        .context("cannot render out.mp4")
        .unwrap_err();
        insta::assert_json_snapshot!(error_json(&error, None), @r#"
        {
          "error": "cannot render out.mp4: composition 'Main', frame 3: TypeError: x is undefined\n    at Inner (src/Scene.tsx:5:9)\n    at render\n  in components: Inner < Scene\n> 5 | x.y",
          "causes": [
            "cannot render out.mp4",
            "composition 'Main', frame 3: TypeError: x is undefined\n    at Inner (src/Scene.tsx:5:9)\n    at render\n  in components: Inner < Scene\n> 5 | x.y"
          ],
          "frame": 3,
          "file": "src/Scene.tsx",
          "line": 5,
          "column": 9,
          "codeFrame": "> 5 | x.y",
          "exception": {
            "name": "TypeError",
            "message": "x is undefined",
            "stack": [
              {
                "function": "Inner",
                "file": "src/Scene.tsx",
                "line": 5,
                "column": 9
              },
              {
                "function": "render"
              }
            ],
            "componentStack": [
              "Inner",
              "Scene"
            ]
          }
        }
        "#);
    }

    #[test]
    fn other_errors_give_their_message_and_hint() {
        let error = anyhow::anyhow!("--crf 80 is out of range").context("bad flags");
        assert_eq!(
            error_json(&error, Some("try 18")),
            json!({
                "error": "bad flags: --crf 80 is out of range",
                "causes": ["bad flags", "--crf 80 is out of range"],
                "hint": "try 18",
            })
        );
        let painting = anyhow::Error::new(PaintError::Resource {
            frame: 7,
            src: "a.png".into(),
            reason: "not found".into(),
        });
        assert_eq!(error_json(&painting, None)["frame"], json!(7));
    }

    #[test]
    fn usage_errors_keep_only_their_message() {
        let rendered = "error: invalid value '80x' for '--crf <CRF>': invalid digit found in \
                        string\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_json(rendered)["error"],
            "invalid value '80x' for '--crf <CRF>': invalid digit found in string"
        );
        let rendered = "error: unexpected argument 'x' found\n\nUsage: kinema render <ENTRY>\n";
        assert_eq!(
            usage_error_json(rendered)["error"],
            "unexpected argument 'x' found"
        );
    }
}
