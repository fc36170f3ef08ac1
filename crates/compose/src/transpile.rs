//! TSX/TS/JSX → plain JavaScript modules with oxc, keeping a source map to report errors in
//! terms of the original file.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{Expression, ImportDeclarationSpecifier, ImportExpression, Statement};
use oxc_ast_visit::{Visit, walk};
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_parser::Parser;
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;
use oxc_transformer::{JsxRuntime, TransformOptions, Transformer};

use crate::error::{ComposeError, SourceLocation, code_frame};

/// One transpiled module.
#[derive(Debug)]
pub struct TranspiledModule {
    /// Plain JavaScript (ES module).
    pub code: String,
    /// Every static import/export-from specifier, in source order.
    pub imports: Vec<String>,
    /// `(specifier, name)` of every named import, to say who imports a missing export.
    pub named_imports: Vec<(String, String)>,
    /// Maps `code` positions back to the original file.
    pub source_map: Option<oxc_sourcemap::SourceMap<'static>>,
}

/// Transpiles one TS/TSX/JS/JSX file. `name` is the project-relative path used in errors and
/// stacks; its extension selects the dialect.
pub fn transpile(name: &str, source: &str) -> Result<TranspiledModule, ComposeError> {
    let path = Path::new(name);
    let mut source_type = SourceType::from_path(path).unwrap_or_else(|_| SourceType::tsx());
    // Plain `.js` files often hold JSX in React projects; accept it like bundlers do.
    if source_type.is_javascript() {
        source_type = source_type.with_jsx(true);
    }
    source_type = source_type.with_module(true);

    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err(syntax_error(name, source, error));
    }
    let mut program = parsed.program;

    let semantic = SemanticBuilder::new().build(&program);
    if let Some(error) = semantic.diagnostics.errors().next() {
        return Err(syntax_error(name, source, error));
    }
    let scoping = semantic.semantic.into_scoping();

    let mut options = TransformOptions::default();
    // The automatic runtime imports its factory from `react/jsx-runtime` under a generated
    // name, so no user variable (`h`, `React`) can shadow it.
    options.jsx.runtime = JsxRuntime::Automatic;
    options.jsx.development = false;
    options.jsx.pure = false;
    let transformed =
        Transformer::new(&allocator, path, &options).build_with_scoping(scoping, &mut program);
    if let Some(error) = transformed.diagnostics.errors().next() {
        return Err(syntax_error(name, source, error));
    }

    let mut imports: Vec<String> = program
        .body
        .iter()
        .filter_map(|statement| match statement {
            Statement::ImportDeclaration(d) => Some(d.source.value.to_string()),
            Statement::ExportAllDeclaration(d) => Some(d.source.value.to_string()),
            Statement::ExportFromDeclaration(d) => Some(d.source.value.to_string()),
            _ => None,
        })
        .collect();
    let named_imports = program
        .body
        .iter()
        .filter_map(|statement| match statement {
            Statement::ImportDeclaration(d) => Some(d),
            _ => None,
        })
        .flat_map(|d| {
            d.specifiers
                .iter()
                .flatten()
                .filter_map(move |specifier| match specifier {
                    ImportDeclarationSpecifier::ImportSpecifier(s) => {
                        Some((d.source.value.to_string(), s.imported.name().to_string()))
                    }
                    ImportDeclarationSpecifier::ImportDefaultSpecifier(_) => {
                        Some((d.source.value.to_string(), "default".to_string()))
                    }
                    _ => None,
                })
        })
        .collect();
    // `import('./Scene')` with a literal path (as in `lazyComponent`) is linked like a static one.
    let mut dynamic = DynamicImports::default();
    dynamic.visit_program(&program);
    for specifier in dynamic.0 {
        if !imports.contains(&specifier) {
            imports.push(specifier);
        }
    }

    let printed = Codegen::new()
        .with_options(CodegenOptions {
            source_map_path: Some(path.to_path_buf()),
            ..CodegenOptions::default()
        })
        .build(&program);
    Ok(TranspiledModule {
        code: printed.code,
        imports,
        named_imports,
        source_map: printed.map.map(|m| m.into_owned()),
    })
}

#[derive(Default)]
struct DynamicImports(Vec<String>);

impl<'a> Visit<'a> for DynamicImports {
    fn visit_import_expression(&mut self, it: &ImportExpression<'a>) {
        if let Expression::StringLiteral(source) = &it.source {
            self.0.push(source.value.to_string());
        }
        walk::walk_import_expression(self, it);
    }
}

fn syntax_error(name: &str, source: &str, error: &oxc_diagnostics::OxcDiagnostic) -> ComposeError {
    let offset = error
        .labels
        .iter()
        .find(|l| l.primary())
        .or_else(|| error.labels.first())
        .map_or(0, |l| l.offset() as usize);
    let (line, column) = line_column(source, offset);
    let mut message = error.message.to_string();
    if let Some(help) = &error.help {
        message.push_str(&format!(" (help: {help})"));
    }
    ComposeError::Syntax {
        message,
        location: SourceLocation {
            file: name.to_string(),
            line,
            column,
        },
        code_frame: code_frame(source, line, column),
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

/// Maps a 1-based position in transpiled code back to the original source (1-based).
pub fn map_position(
    map: &oxc_sourcemap::SourceMap<'_>,
    line: u32,
    column: u32,
) -> Option<(u32, u32)> {
    let table = map.generate_lookup_table();
    let token = map.lookup_token_approx(&table, line.checked_sub(1)?, column.saturating_sub(1))?;
    Some((token.get_src_line() + 1, token.get_src_col() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_types_and_compiles_jsx_with_the_automatic_runtime() {
        let out = transpile(
            "src/A.tsx",
            "import type {FC} from 'react';\nimport {useCurrentFrame} from 'remotion';\ninterface P {n: number}\nexport const A: FC<P> = ({n}) => { const h = n + useCurrentFrame(); return <div>{h}</div>; };\n",
        )
        .unwrap();
        assert!(out.code.contains("react/jsx-runtime"), "{}", out.code);
        assert!(!out.code.contains("interface"));
        assert_eq!(out.imports, vec!["remotion", "react/jsx-runtime"]);
    }

    #[test]
    fn reports_syntax_errors_with_line_and_column() {
        let err = transpile("src/Bad.tsx", "const a = 1;\nconst b = ;\n").unwrap_err();
        match err {
            ComposeError::Syntax {
                location,
                code_frame,
                ..
            } => {
                assert_eq!(location.to_string(), "src/Bad.tsx:2:11");
                assert!(code_frame.contains("> 2 | const b = ;"), "{code_frame}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn accepts_jsx_in_js_files() {
        let out = transpile("a.js", "export default () => <p>hi</p>;").unwrap();
        assert!(out.code.contains("jsx"));
    }

    #[test]
    fn maps_positions_back_to_the_source() {
        let src = "type T = number;\n\n\nexport function f(x: T) {\n  throw new Error('x');\n}\n";
        let out = transpile("f.ts", src).unwrap();
        let map = out.source_map.unwrap();
        let (gen_line, _) = out
            .code
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("throw"))
            .map(|(i, l)| (i as u32 + 1, l))
            .unwrap();
        let col = out
            .code
            .lines()
            .nth(gen_line as usize - 1)
            .unwrap()
            .find("throw")
            .unwrap() as u32
            + 1;
        assert_eq!(map_position(&map, gen_line, col), Some((5, 3)));
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("", 10), (1, 1));
    }
}
