//! `cleaner._core`: the per-line and per-word work of `cleaner`, compiled.
//!
//! The seam: functions take a Python `str` and read its code points in place (no copy, no UTF-8 round trip),
//! so offsets that cross back are Python string indices and lone surrogates (undecodable bytes read with
//! `surrogateescape`) pass through untouched; substrings are cut from the caller's own string.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyList, PyString, PyTuple};

pub mod text;
mod unicode_tables;

/// Run `$f` on the code points of a `str`, whatever its storage width.
macro_rules! with_code_points {
    ($s:expr, $f:expr) => {{
        // SAFETY: the slice borrows the string's buffer, which is immutable and lives as long as `$s`.
        match unsafe { $s.data() }? {
            PyStringData::Ucs1(t) => $f(t),
            PyStringData::Ucs2(t) => $f(t),
            PyStringData::Ucs4(t) => $f(t),
        }
    }};
}

fn pairs<'py>(py: Python<'py>, bounds: Vec<(usize, usize)>) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, bounds)
}

/// Cut `text[start:end]` (a new reference to the same kind of string: surrogates stay as they are).
fn substring<'py>(
    text: &Bound<'py, PyString>,
    start: usize,
    end: usize,
) -> PyResult<Bound<'py, PyString>> {
    let (a, b) = (start as pyo3::ffi::Py_ssize_t, end as pyo3::ffi::Py_ssize_t);
    // SAFETY: `text` is a live str and 0 <= a <= b <= len(text); the result is a new reference or NULL.
    unsafe {
        Bound::from_owned_ptr_or_err(
            text.py(),
            pyo3::ffi::PyUnicode_Substring(text.as_ptr(), a, b),
        )
        .and_then(|o| {
            o.cast_into::<PyString>()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }
}

/// The (start, end) of each sentence of a line or paragraph (`cleaner.text.sentence_bounds`).
#[pyfunction]
fn sentence_bounds<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyTuple>> {
    let bounds = with_code_points!(text, text::sentence_bounds);
    pairs(text.py(), bounds)
}

/// The (start, end) of each word (`WORD_RE.finditer`).
#[pyfunction]
fn word_bounds<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyTuple>> {
    let bounds = with_code_points!(text, text::word_bounds);
    pairs(text.py(), bounds)
}

/// The words of a text (`WORD_RE.findall`), as a tuple of strings.
#[pyfunction]
fn words<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyTuple>> {
    let bounds = with_code_points!(text, text::word_bounds);
    let cut: Vec<Bound<'py, PyString>> = bounds
        .into_iter()
        .map(|(a, b)| substring(text, a, b))
        .collect::<PyResult<_>>()?;
    PyTuple::new(text.py(), cut)
}

/// The words of many texts, one after the other (`words` of each, joined), as a list.
#[pyfunction]
fn words_of<'py>(texts: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(texts.py());
    for item in texts.iter() {
        let s = item
            .cast_into::<PyString>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let bounds = with_code_points!(s, text::word_bounds);
        for (a, b) in bounds {
            out.append(substring(&s, a, b)?)?;
        }
    }
    Ok(out)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sentence_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(word_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(words_of, m)?)?;
    Ok(())
}
