//! JavaScript's `String(number)` in Rust, so prop values that are numbers become attribute and
//! CSS text without a round trip through QuickJS (whose exact decimal conversion costs a few
//! thousand instructions a number).
//!
//! ECMAScript's Number::toString takes the fewest decimal digits that read back as the same
//! double, the closest such digits where several are as short, the even ones where two are as
//! close: which is what Ryū (the `ryu` crate, already in the tree through serde_json) writes.
//! Rust's own `{:e}` rounds such ties up (1039460895117372.25 → …372.3; JavaScript: …372.2).
//! Only the layout is JavaScript's own: plain decimals from 1e-6 up to 1e21, exponents
//! otherwise.

use std::fmt::Write;

/// Appends `value` as JavaScript's `String(value)` writes it.
pub(crate) fn push_js_number(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("NaN");
        return;
    }
    if value == 0.0 {
        out.push('0'); // -0 too
        return;
    }
    if value.is_infinite() {
        out.push_str(if value < 0.0 { "-Infinity" } else { "Infinity" });
        return;
    }
    // Whole numbers below 2^53 (most props: sizes, coordinates, counts) print as integers.
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        let _ = write!(out, "{}", value as i64);
        return;
    }
    if value < 0.0 {
        out.push('-');
    }
    let mut buffer = ryu::Buffer::new();
    let (digits, point) = decimal_digits(buffer.format_finite(value.abs()));
    let count = digits.len() as i32;
    if count <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - count) as usize));
    } else if 0 < point && point <= 21 {
        let (whole, fraction) = digits.split_at(point as usize);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{}",
            if point > 0 { '+' } else { '-' },
            (point - 1).abs()
        );
    }
}

/// The significant digits of a positive number Ryū wrote (`123.45`, `1e21`, `1.5e-7`, `1.0`)
/// and where the decimal point goes: value = 0.digits × 10^point.
fn decimal_digits(written: &str) -> (String, i32) {
    let (mantissa, exponent) = match written.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse().unwrap_or(0)),
        None => (written, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut point = whole.len() as i32 + exponent;
    let mut digits = String::with_capacity(mantissa.len());
    for digit in whole.chars().chain(fraction.chars()) {
        if digits.is_empty() && digit == '0' {
            point -= 1; // a leading zero
        } else {
            digits.push(digit);
        }
    }
    digits.truncate(digits.trim_end_matches('0').len());
    (digits, point)
}

#[cfg(test)]
mod tests {
    use super::push_js_number;

    fn js_number(value: f64) -> String {
        let mut out = String::new();
        push_js_number(&mut out, value);
        out
    }

    #[test]
    fn writes_numbers_as_javascript_does() {
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.0, "1"),
            (-42.0, "-42"),
            (0.5, "0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (553.3333333333334, "553.3333333333334"),
            (-1.5e-7, "-1.5e-7"),
            (1e-6, "0.000001"),
            (1.25e-6, "0.00000125"),
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1.5e300, "1.5e+300"),
            (1039460895117372.2, "1039460895117372.2"), // exactly …372.25: the even digit
            (0.001, "0.001"),
            (123.45, "123.45"),
            (9007199254740993.0, "9007199254740992"),
            (2f64.powi(60), "1152921504606847000"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(js_number(value), text, "{value:e}");
        }
    }
}
