//! Reading a frame's tape out of QuickJS into [`Token`]s: operations, strings, and each host
//! element's props object, whose attributes and style this module converts itself.
//!
//! Converting props in the runtime's JavaScript (a `for…in` over each props and style object,
//! a rule lookup and three tape entries per prop, each read back here) was half the cost of
//! composing an SVG chart's frame in QuickJS's interpreter. Here each object's own enumerable
//! keys come from one QuickJS call, the rule for a key is looked up by its atom (the interned
//! name, kept alive while cached), and numbers are formatted in Rust ([`crate::number`]).
//! QuickJS keeps an object shape (its layout of property names) only while some object has it,
//! and builds an object literal's shape property by property, so each frame made the shapes of
//! its props and style objects anew, prefix by prefix (~640 instructions a property). The
//! reader keeps one object of each prefix of the shapes it meets ([`ShapeKeeper`]), so the
//! next frame's literals find theirs in QuickJS's shape table.
//!
//! Props are read once the whole frame is rendered (React DOM too reads a host element's props
//! only after its subtree rendered); a render that mutates an object it already passed as props
//! — which React forbids — may see its change applied.

use foldhash::HashMap;
use rquickjs::{Array, Ctx, Function, Object, Value, qjs};

use crate::dom::{self, Booleans, PropRule, StyleRule};
use crate::number::push_js_number;
use crate::tape::{ATTR, STYLE, Token};

/// Rules cached per engine beyond this are dropped and worked out again (`data-*` and custom
/// property names can be made up per element).
const MAX_CACHED_RULES: usize = 4096;

/// The rules for prop and style names seen so far, by atom. Each cached atom is held (its
/// count raised), so its number cannot be reused for another name; [`TapeReader::release`]
/// lets them go.
#[derive(Default)]
pub(crate) struct TapeReader {
    props: HashMap<qjs::JSAtom, PropRule>,
    styles: HashMap<qjs::JSAtom, StyleRule>,
    shapes: ShapeKeeper,
}

impl TapeReader {
    /// The tokens of `tape`: each string a text token, each integer an operation, each object
    /// the props of the element opened last, read into attribute and style tokens.
    pub(crate) fn read<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        tape: &Array<'js>,
    ) -> rquickjs::Result<Vec<Token>> {
        let mut tokens = Vec::with_capacity(tape.len() + tape.len() / 2);
        for value in tape.iter::<Value>() {
            let value = value?;
            if value.is_string() {
                tokens.push(Token::Text(js_text(ctx, &value)?));
            } else if let Some(op) = value.as_int() {
                tokens.push(Token::Op(op));
            } else if value.is_object() {
                self.read_props(ctx, &value, &mut tokens)?;
            } else {
                return Err(rquickjs::Error::new_from_js(
                    value.type_name(),
                    "tape token",
                ));
            }
        }
        Ok(tokens)
    }

    /// Gives back the atoms and objects the reader holds; call before the context goes.
    pub(crate) fn release(&mut self, ctx: &Ctx<'_>) {
        self.release_rules(ctx);
        self.shapes.release(ctx);
    }

    /// Empties the rule caches, giving back their atoms.
    fn release_rules(&mut self, ctx: &Ctx<'_>) {
        let context = ctx.as_raw().as_ptr();
        for atom in self.props.drain().map(|(atom, _)| atom) {
            // SAFETY: each cached atom was duplicated once in this context when cached.
            unsafe { qjs::JS_FreeAtom(context, atom) };
        }
        for atom in self.styles.drain().map(|(atom, _)| atom) {
            // SAFETY: as above.
            unsafe { qjs::JS_FreeAtom(context, atom) };
        }
    }

    /// Writes the attributes React DOM sets for a props object, then its style declarations.
    fn read_props<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        props: &Value<'js>,
        tokens: &mut Vec<Token>,
    ) -> rquickjs::Result<()> {
        let keys = OwnKeys::of(ctx, props)?;
        self.shapes.keep(ctx, keys.atoms())?;
        let mut style = None;
        for &atom in keys.atoms() {
            if self.props.len() >= MAX_CACHED_RULES && !self.props.contains_key(&atom) {
                self.release_rules(ctx);
            }
            let rule = cached_rule(ctx, &mut self.props, atom, dom::prop_rule)?;
            let rule = match rule {
                PropRule::Skip => continue,
                PropRule::Style => {
                    style = Some(atom);
                    continue;
                }
                PropRule::Attribute(rule) => rule,
            };
            let value = get(ctx, props, atom)?;
            let text = if value.is_null() || value.is_undefined() {
                continue;
            } else if value.is_string() {
                let text = js_text(ctx, &value)?;
                if text.is_empty() && rule.url {
                    continue; // React drops empty URLs
                }
                text
            } else if let Some(number) = value.as_number() {
                let mut text = String::new();
                push_js_number(&mut text, number);
                text
            } else if let Some(flag) = value.as_bool() {
                match (rule.booleans, flag) {
                    (Booleans::Text, _) => flag.to_string(),
                    (Booleans::Presence, true) => String::new(),
                    _ => continue,
                }
            } else if value.is_function() || value.is_symbol() {
                continue;
            } else {
                concatenated(ctx, &value)?
            };
            tokens.extend([
                Token::Op(ATTR),
                Token::Text(rule.name.clone()),
                Token::Text(text),
            ]);
        }
        if let Some(atom) = style {
            let style = get(ctx, props, atom)?;
            // Strings were refused by the runtime; other non-objects write nothing.
            if style.is_object() && !style.is_function() {
                self.read_style(ctx, &style, tokens)?;
            }
        }
        Ok(())
    }

    /// Writes a style object's CSS declarations.
    fn read_style<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        style: &Value<'js>,
        tokens: &mut Vec<Token>,
    ) -> rquickjs::Result<()> {
        let keys = OwnKeys::of(ctx, style)?;
        self.shapes.keep(ctx, keys.atoms())?;
        for &atom in keys.atoms() {
            let value = get(ctx, style, atom)?;
            if value.is_null() || value.is_undefined() || value.is_bool() {
                continue;
            }
            if self.styles.len() >= MAX_CACHED_RULES && !self.styles.contains_key(&atom) {
                self.release_rules(ctx);
            }
            let rule = cached_rule(ctx, &mut self.styles, atom, dom::style_rule)?;
            let text = if let Some(number) = value.as_number() {
                let mut text = String::new();
                push_js_number(&mut text, number);
                // 0 (and -0) stays unitless.
                if number != 0.0 && rule.px {
                    text.push_str("px");
                }
                text
            } else if value.is_string() {
                let text = js_text(ctx, &value)?;
                match dom::trim_js(&text) {
                    "" if text.is_empty() => continue,
                    trimmed if trimmed.len() == text.len() => text,
                    trimmed => trimmed.to_string(),
                }
            } else {
                dom::trim_js(&concatenated(ctx, &value)?).to_string()
            };
            tokens.extend([
                Token::Op(STYLE),
                Token::Text(rule.name.clone()),
                Token::Text(text),
            ]);
        }
        Ok(())
    }
}

/// The rule `rules` holds for `atom`, worked out from the atom's name by `make` on a miss; the
/// cache then holds the atom (see [`TapeReader`]).
fn cached_rule<'m, R>(
    ctx: &Ctx<'_>,
    rules: &'m mut HashMap<qjs::JSAtom, R>,
    atom: qjs::JSAtom,
    make: fn(&str) -> R,
) -> rquickjs::Result<&'m R> {
    if !rules.contains_key(&atom) {
        let rule = make(&atom_text(ctx, atom)?);
        // SAFETY: the atom is live (listed by QuickJS just now); the count taken here is given
        // back by `TapeReader::release_rules`.
        let held = unsafe { qjs::JS_DupAtom(ctx.as_raw().as_ptr(), atom) };
        rules.insert(held, rule);
    }
    Ok(&rules[&atom])
}

/// An object's own enumerable string keys, in property order, as QuickJS lists them.
struct OwnKeys {
    context: *mut qjs::JSContext,
    table: *mut qjs::JSPropertyEnum,
    len: u32,
}

impl OwnKeys {
    fn of<'js>(ctx: &Ctx<'js>, object: &Value<'js>) -> rquickjs::Result<OwnKeys> {
        let context = ctx.as_raw().as_ptr();
        let mut table = std::ptr::null_mut();
        let mut len = 0;
        let flags = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_ENUM_ONLY) as i32;
        // SAFETY: `object` is a live value of this context; on success QuickJS hands over a
        // table of `len` entries, freed once in `drop`.
        if unsafe {
            qjs::JS_GetOwnPropertyNames(context, &mut table, &mut len, object.as_raw(), flags)
        } < 0
        {
            return Err(rquickjs::Error::Exception);
        }
        Ok(OwnKeys {
            context,
            table,
            len,
        })
    }

    fn atoms(&self) -> impl ExactSizeIterator<Item = &qjs::JSAtom> + Clone {
        let entries: &[qjs::JSPropertyEnum] = if self.table.is_null() {
            &[]
        } else {
            // SAFETY: QuickJS filled `len` entries at `table`, alive until `drop`.
            unsafe { std::slice::from_raw_parts(self.table, self.len as usize) }
        };
        entries.iter().map(|entry| &entry.atom)
    }
}

impl Drop for OwnKeys {
    fn drop(&mut self) {
        // SAFETY: the table came from JS_GetOwnPropertyNames of this context; freed once.
        unsafe { qjs::JS_FreePropertyEnum(self.context, self.table, self.len) };
    }
}

/// Objects with more properties than this are not worth a kept object per prefix.
const MAX_KEPT_KEYS: usize = 24;
/// At most this many objects are kept (a few hundred kilobytes).
const MAX_KEPT_OBJECTS: usize = 4096;

/// Keeps one plain object of each prefix of the key lists it is shown (`{a}`, `{a, b}`, …),
/// so QuickJS finds those shapes when the next frame builds the same literals.
#[derive(Default)]
struct ShapeKeeper {
    /// Hashes of the key lists kept (a collision only means a list is not kept).
    seen: foldhash::HashSet<u64>,
    objects: Vec<qjs::JSValue>,
}

impl ShapeKeeper {
    fn keep<'a>(
        &mut self,
        ctx: &Ctx<'_>,
        atoms: impl ExactSizeIterator<Item = &'a qjs::JSAtom> + Clone,
    ) -> rquickjs::Result<()> {
        let count = atoms.len();
        if count == 0 || count > MAX_KEPT_KEYS || self.objects.len() + count > MAX_KEPT_OBJECTS {
            return Ok(());
        }
        let key = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = foldhash::fast::FixedState::with_seed(0).build_hasher();
            atoms.clone().for_each(|atom| hasher.write_u32(*atom));
            hasher.finish()
        };
        if !self.seen.insert(key) {
            return Ok(());
        }
        let context = ctx.as_raw().as_ptr();
        for end in 1..=count {
            // SAFETY: a new object of this context, owned by `objects` until `release`; each
            // atom is live (listed by QuickJS for the object being read).
            unsafe {
                let object = qjs::JS_NewObject(context);
                if qjs::JS_IsException(object) {
                    return Err(rquickjs::Error::Exception);
                }
                self.objects.push(object);
                for &atom in atoms.clone().take(end) {
                    let flags = (qjs::JS_PROP_C_W_E | qjs::JS_PROP_THROW) as i32;
                    if qjs::JS_DefinePropertyValue(context, object, atom, qjs::JS_UNDEFINED, flags)
                        < 0
                    {
                        return Err(rquickjs::Error::Exception);
                    }
                }
            }
        }
        Ok(())
    }

    fn release(&mut self, ctx: &Ctx<'_>) {
        for object in self.objects.drain(..) {
            // SAFETY: each object is owned here, freed once.
            unsafe { qjs::JS_FreeValue(ctx.as_raw().as_ptr(), object) };
        }
        self.seen.clear();
    }
}

/// `object[atom]`, running getters; an exception stays pending for the caller to catch.
fn get<'js>(
    ctx: &Ctx<'js>,
    object: &Value<'js>,
    atom: qjs::JSAtom,
) -> rquickjs::Result<Value<'js>> {
    // SAFETY: `object` is live and `atom` is held by the caller; QuickJS returns an owned value.
    let value = unsafe {
        Value::from_raw(
            ctx.clone(),
            qjs::JS_GetProperty(ctx.as_raw().as_ptr(), object.as_raw(), atom),
        )
    };
    if value.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(value)
}

/// `'' + value` for objects, big integers and the like: their own `valueOf`/`toString`, which
/// may throw (a symbol does).
fn concatenated<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> rquickjs::Result<String> {
    let host: Object = ctx.globals().get("__kinema")?;
    let text: Function = host.get("text")?;
    let text: Value = text.call((value.clone(),))?;
    js_text(ctx, &text)
}

/// The name an atom stands for.
fn atom_text(ctx: &Ctx<'_>, atom: qjs::JSAtom) -> rquickjs::Result<String> {
    let context = ctx.as_raw().as_ptr();
    let mut len = 0;
    // SAFETY: `atom` is live; QuickJS returns a buffer of `len` bytes (or null), freed below.
    let ptr = unsafe { qjs::JS_AtomToCStringLen(context, &mut len, atom) };
    if ptr.is_null() {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: as above.
    let text =
        wtf8_to_string(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize) });
    // SAFETY: `ptr` came from this context and is freed once.
    unsafe { qjs::JS_FreeCString(context, ptr) };
    Ok(text)
}

/// A JavaScript string as Rust text, each lone surrogate (half of an emoji a string was sliced
/// through) replaced by U+FFFD, as browsers draw it.
pub(crate) fn js_text(ctx: &Ctx<'_>, value: &Value<'_>) -> rquickjs::Result<String> {
    let context = ctx.as_raw().as_ptr();
    let mut len = 0;
    // SAFETY: `value` is a live value of this context; QuickJS returns a buffer of `len` bytes
    // (or null), which is freed below and not used after.
    let ptr = unsafe { qjs::JS_ToCStringLen(context, &mut len, value.as_raw()) };
    if ptr.is_null() {
        return Err(rquickjs::Error::Allocation);
    }
    // SAFETY: as above.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    let text = wtf8_to_string(bytes);
    // SAFETY: `ptr` came from JS_ToCStringLen of this context and is freed once.
    unsafe { qjs::JS_FreeCString(context, ptr) };
    Ok(text)
}

/// QuickJS writes a lone surrogate as its own three-byte sequence (0xED 0xA0–0xBF 0x80–0xBF),
/// which is not UTF-8: each becomes U+FFFD, as `String.prototype.toWellFormed` would make it.
pub(crate) fn wtf8_to_string(mut bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                // `valid` is the part from_utf8 just accepted.
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                text.push(char::REPLACEMENT_CHARACTER);
                let skip = match rest {
                    [0xED, 0xA0..=0xBF, 0x80..=0xBF, ..] => 3,
                    _ => error.error_len().unwrap_or(rest.len()),
                };
                bytes = &rest[skip..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wtf8_to_string;

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        // "a" + lone high surrogate U+D83D + "b" + lone low surrogate U+DE00, as QuickJS
        // writes them; then an emoji whose halves are together, which is plain UTF-8.
        let bytes = b"a\xED\xA0\xBDb\xED\xB8\x80 \xF0\x9F\x98\x80";
        assert_eq!(wtf8_to_string(bytes), "a\u{FFFD}b\u{FFFD} \u{1F600}");
        assert_eq!(wtf8_to_string(b"plain"), "plain");
        assert_eq!(wtf8_to_string(b"x\xED\xB0\x80"), "x\u{FFFD}");
    }
}
