//! `cleaner._core`: the per-line and per-word work of `cleaner`, compiled.
//!
//! The seam: functions take a Python `str` and read its code points in place (no copy, no UTF-8 round trip),
//! so offsets that cross back are Python string indices and lone surrogates (undecodable bytes read with
//! `surrogateescape`) pass through untouched; substrings are cut from the caller's own string.

use std::sync::Mutex;

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple, PyType};

pub mod forest;
pub mod langid;
pub mod lexicon;
pub mod minhash;
pub mod shape;
pub mod spam;
pub mod speller;
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

/// `span(start, end, text)` made as `tuple.__new__(span, (start, end, text))` makes it: an instance of the tuple
/// type `span` (the views' named tuple `Span`), its three items set in place.
fn new_span<'py>(
    span: &Bound<'py, PyType>,
    start: usize,
    end: usize,
    text: Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = span.py();
    let items = [
        start.into_pyobject(py)?.into_any(),
        end.into_pyobject(py)?.into_any(),
        text.into_any(),
    ];
    // SAFETY: `span` is a subtype of tuple (checked by the callers, `spans`); its `tp_alloc` makes an instance with
    // room for 3 items, each set once with a new reference, as CPython's `tuple_subtype_new` does.
    unsafe {
        let tp = span.as_type_ptr();
        let alloc = (*tp).tp_alloc.unwrap_or(pyo3::ffi::PyType_GenericAlloc);
        let obj = alloc(tp, 3);
        if obj.is_null() {
            return Err(PyErr::fetch(py));
        }
        for (i, item) in items.into_iter().enumerate() {
            pyo3::ffi::PyTuple_SET_ITEM(obj, i as pyo3::ffi::Py_ssize_t, item.into_ptr());
        }
        Ok(Bound::from_owned_ptr(py, obj))
    }
}

/// A list of `span(base + a, base + b, text[a:b])` for the bounds.
fn spans<'py>(
    text: &Bound<'py, PyString>,
    bounds: Vec<(usize, usize)>,
    base: usize,
    span: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyList>> {
    if !span.is_subclass_of::<PyTuple>()? {
        return Err(PyValueError::new_err("a span type is a tuple type"));
    }
    let out = PyList::empty(text.py());
    for (a, b) in bounds {
        out.append(new_span(span, base + a, base + b, substring(text, a, b)?)?)?;
    }
    Ok(out)
}

/// The lines of a text (`cleaner.core.text.lines`): a list of `span(start, end, line)`, where `span` is a tuple
/// type (the views' named tuple `Span`).
#[pyfunction]
fn lines<'py>(
    text: &Bound<'py, PyString>,
    span: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyList>> {
    let bounds = with_code_points!(text, text::line_bounds);
    spans(text, bounds, 0, span)
}

/// The sentences of a line or paragraph as `span(base + start, base + end, sentence)` (`text.sentences`).
#[pyfunction]
fn sentences<'py>(
    text: &Bound<'py, PyString>,
    base: usize,
    span: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyList>> {
    let bounds = with_code_points!(text, text::sentence_bounds);
    spans(text, bounds, base, span)
}

/// The words of a text as `span(base + start, base + end, word)` (`text.words`).
#[pyfunction]
fn word_spans<'py>(
    text: &Bound<'py, PyString>,
    base: usize,
    span: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyList>> {
    let bounds = with_code_points!(text, text::word_bounds);
    spans(text, bounds, base, span)
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

/// The runs of letters and numbers of a text, one space between them (dedup's `norm_key` after folding).
#[pyfunction]
fn alnum_runs<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
    let runs = with_code_points!(text, text::alnum_runs);
    // SAFETY: the buffer holds `runs.len()` code points of the kind given (UCS-4); CPython copies it into a new
    // string of the narrowest kind that holds its widest code point.
    unsafe {
        Bound::from_owned_ptr_or_err(
            text.py(),
            pyo3::ffi::PyUnicode_FromKindAndData(
                pyo3::ffi::PyUnicode_4BYTE_KIND as std::os::raw::c_int,
                runs.as_ptr().cast(),
                runs.len() as pyo3::ffi::Py_ssize_t,
            ),
        )
        .and_then(|o| {
            o.cast_into::<PyString>()
                .map_err(|e| PyValueError::new_err(e.to_string()))
        })
    }
}

/// One line's shape for the chrome model: (unspaced, ends_sentence, spaces, digits, alnum, marks,
/// spaced_separators, date, counter, bullet, urlish, numbers) (src/shape.rs).
type ShapeRow = (
    bool,
    bool,
    usize,
    usize,
    usize,
    usize,
    usize,
    bool,
    bool,
    bool,
    bool,
    usize,
);

/// The shapes of a page's lines (the chrome model's `line_features`).
#[pyfunction]
fn line_shapes(texts: Vec<Bound<'_, PyString>>) -> PyResult<Vec<ShapeRow>> {
    texts
        .iter()
        .map(|t| {
            let s = shape::shape(&code_points(t)?);
            Ok((
                s.unspaced,
                s.ends_sentence,
                s.spaces,
                s.digits,
                s.alnum,
                s.marks,
                s.spaced_separators,
                s.date,
                s.counter,
                s.bullet,
                s.urlish,
                s.numbers,
            ))
        })
        .collect()
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

/// py3langid's automaton and scores, over the model's arrays (the transition table and the per-class feature
/// scores read in place, not copied).
#[pyclass(frozen)]
struct LangidWalk {
    next: PyBuffer<u32>,
    row_base: Vec<u64>,
    output: Vec<i64>,
    /// one slot per feature for counting a text's features (all 0 between calls)
    slots: Mutex<Vec<u32>>,
    /// `ptc` (features x classes, float32) and `pc` (classes), when the walk scores
    model: Option<(PyBuffer<f32>, Vec<f32>)>,
    /// numpy's float32 `log1p(c)` at `c - 1`, for the counts up to its length (`set_log1p`)
    log1p: Mutex<Vec<f32>>,
}

#[pymethods]
impl LangidWalk {
    /// `next`: the transition table (a buffer of uint32); `row`: each state's row; `output`: each state's feature;
    /// `ptc`, `pc`: the scores of each feature in each class (a C-contiguous float32 buffer) and each class's prior.
    #[new]
    #[pyo3(signature = (next, row, output, ptc=None, pc=None))]
    fn new(
        py: Python<'_>,
        next: &Bound<'_, PyAny>,
        row: Vec<u64>,
        output: Vec<i64>,
        ptc: Option<&Bound<'_, PyAny>>,
        pc: Option<Vec<f32>>,
    ) -> PyResult<Self> {
        let next = PyBuffer::<u32>::get(next)?;
        if !next.is_c_contiguous() {
            return Err(PyValueError::new_err(
                "the transition table must be contiguous",
            ));
        }
        let mut walk = LangidWalk {
            next,
            row_base: row.into_iter().map(|r| r << 8).collect(),
            output,
            slots: Mutex::default(),
            model: None,
            log1p: Mutex::default(),
        };
        let automaton = walk.automaton(py);
        automaton.check().map_err(PyValueError::new_err)?;
        let features = automaton.features();
        walk.slots = Mutex::new(vec![0; features]);
        if let (Some(ptc), Some(pc)) = (ptc, pc) {
            let ptc = PyBuffer::<f32>::get(ptc)?;
            if !ptc.is_c_contiguous() {
                return Err(PyValueError::new_err(
                    "the feature scores must be contiguous",
                ));
            }
            if pc.is_empty()
                || ptc.item_count() % pc.len() != 0
                || ptc.item_count() / pc.len() < features
            {
                return Err(PyValueError::new_err(format!(
                    "{} feature scores for {} features of {} classes",
                    ptc.item_count(),
                    features,
                    pc.len()
                )));
            }
            walk.model = Some((ptc, pc));
        }
        Ok(walk)
    }

    /// Give the scores numpy's float32 `log1p` of the counts 1..=len(table) (the counts of a text are at most its
    /// length in bytes: the caller makes the table that long before scoring a longer text).
    fn set_log1p(&self, table: Vec<f32>) {
        *self.log1p.lock().unwrap_or_else(|p| p.into_inner()) = table;
    }

    /// py3langid's raw scores of `data` (UTF-8 bytes; `_sparse_score` of its features), one float32 a class, as
    /// a bytearray; None when it has no feature. Raises when a count is beyond the `log1p` table.
    fn scores<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
    ) -> PyResult<Option<Bound<'py, PyByteArray>>> {
        let (ptc, pc) = self.model.as_ref().ok_or_else(|| {
            PyValueError::new_err("this walk was made without the model's scores")
        })?;
        let (feats, counts) = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            self.automaton(py).visits(data, &mut slots)
        };
        if feats.is_empty() {
            return Ok(None);
        }
        // SAFETY: the buffer is C-contiguous, of `item_count` f32s, and kept alive (read-only) by `self.model`.
        let ptc =
            unsafe { std::slice::from_raw_parts(ptc.buf_ptr() as *const f32, ptc.item_count()) };
        let table = self.log1p.lock().unwrap_or_else(|p| p.into_inner());
        let y = langid::raw_scores(&feats, &counts, ptc, pc, &table).ok_or_else(|| {
            PyValueError::new_err("a count beyond the log1p table, or a feature beyond the scores")
        })?;
        let bytes: Vec<u8> = y.iter().flat_map(|v| v.to_ne_bytes()).collect();
        Ok(Some(PyByteArray::new(py, &bytes)))
    }

    /// The features in `data` (UTF-8 bytes) and their counts, in the order of first occurrence: two buffers,
    /// of native int64 (`np.intp`) and float32, or None when there is none.
    fn visits<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
    ) -> Option<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (feats, counts) = self.automaton(py).visits(data, &mut slots);
        if feats.is_empty() {
            return None;
        }
        let feats: Vec<u8> = feats.iter().flat_map(|f| f.to_ne_bytes()).collect();
        let counts: Vec<u8> = counts.iter().flat_map(|c| c.to_ne_bytes()).collect();
        Some((PyBytes::new(py, &feats), PyBytes::new(py, &counts)))
    }
}

impl LangidWalk {
    fn automaton(&self, _py: Python<'_>) -> langid::Automaton<'_> {
        // SAFETY: the buffer is C-contiguous, of `item_count` u32s, and kept alive (and read-only for us) by
        // `self.next`; the array cache never writes to a loaded model.
        let next = unsafe {
            std::slice::from_raw_parts(self.next.buf_ptr() as *const u32, self.next.item_count())
        };
        langid::Automaton {
            next,
            row_base: &self.row_base,
            output: &self.output,
        }
    }
}

/// The code points of a `str`, widened.
fn code_points(s: &Bound<'_, PyString>) -> PyResult<Vec<u32>> {
    Ok(with_code_points!(s, |t: &[_]| t
        .iter()
        .map(|&c| text::CodePoint::cp(c))
        .collect::<Vec<u32>>()))
}

/// A word list indexed for the speller's candidate search (`cleaner.stages.spelling`): the words within k
/// edits (optimal string alignment) of a word in some first-letter buckets, and the listed one-edit variants.
#[pyclass(frozen)]
struct WordIndex {
    index: speller::WordIndex<Py<PyString>>,
}

#[pymethods]
impl WordIndex {
    #[new]
    fn new(words: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut items = Vec::new();
        for w in words.try_iter()? {
            let w = w?
                .cast_into::<PyString>()
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            items.push((code_points(&w)?, w.unbind()));
        }
        Ok(WordIndex {
            index: speller::WordIndex::new(items),
        })
    }

    /// (word, edits) for the listed words starting with one of `letters`, at most `max_len` long, within `k`
    /// edits of `word`.
    #[pyo3(signature = (word, k, letters, max_len=None))]
    fn within<'py>(
        &self,
        py: Python<'py>,
        word: &Bound<'py, PyString>,
        k: usize,
        letters: Vec<Bound<'py, PyString>>,
        max_len: Option<usize>,
    ) -> PyResult<Vec<(Py<PyString>, usize)>> {
        let word = code_points(word)?;
        let mut firsts = Vec::new();
        for l in &letters {
            firsts.extend(code_points(l)?.first());
        }
        let found = self
            .index
            .within(&word, k, &firsts, max_len.unwrap_or(usize::MAX));
        Ok(found
            .into_iter()
            .map(|(i, d)| (self.index.value(i).clone_ref(py), d))
            .collect())
    }

    /// The listed words one edit (a-z inserted or substituted, a letter deleted, two swapped) from `word`, sorted.
    fn edits1(&self, py: Python<'_>, word: &Bound<'_, PyString>) -> PyResult<Vec<Py<PyString>>> {
        let word = code_points(word)?;
        Ok(self
            .index
            .edits1(&word)
            .into_iter()
            .map(|i| self.index.value(i).clone_ref(py))
            .collect())
    }
}

/// Are all the sentence's letters inside quote marks: each `(open, close)` pair's quoted runs (`open[^\n]*?close`,
/// as `regex.sub` finds them) replaced by a space in turn, did something change and no letter (`\p{L}`) remain?
#[pyfunction]
fn quoted_only(sentence: &Bound<'_, PyString>, pairs: &Bound<'_, PyAny>) -> PyResult<bool> {
    let mut marks = Vec::new();
    for pair in pairs.try_iter()? {
        let pair = pair?;
        let open = pair
            .get_item(0)?
            .cast_into::<PyString>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let close = pair
            .get_item(1)?
            .cast_into::<PyString>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        marks.push((code_points(&open)?, code_points(&close)?));
    }
    Ok(spam::quoted_only(&code_points(sentence)?, &marks))
}

/// Boosted regression trees over the rows of a feature matrix (the chrome model's line scores).
#[pyclass(frozen)]
struct Forest {
    forest: forest::Forest,
}

/// Where a node's index goes in its parent: (the parent, whether it is the `then` child).
type ParentSlot = Option<(usize, bool)>;

/// Flatten one tree (nested dicts: a split has `feature`, `below`, `then`, `else`, `value`; a leaf `value`).
fn flat_tree(
    root: &Bound<'_, PyAny>,
    index: &std::collections::HashMap<String, i64>,
) -> PyResult<Vec<forest::Node>> {
    let mut nodes: Vec<forest::Node> = Vec::new();
    // (node, the slot of its parent that points to it: (parent, is_then))
    let mut todo: Vec<(Bound<'_, PyAny>, ParentSlot)> = vec![(root.clone(), None)];
    while let Some((node, parent)) = todo.pop() {
        let node = node
            .cast_into::<PyDict>()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let k = nodes.len();
        if let Some((p, then)) = parent {
            if then {
                nodes[p].then = k;
            } else {
                nodes[p].other = k;
            }
        }
        let value: f64 = node
            .get_item("value")?
            .ok_or_else(|| PyValueError::new_err("a tree node has no value"))?
            .extract()?;
        let feature = match node.get_item("feature")? {
            None => -1,
            Some(name) => {
                let name: String = name.extract()?;
                *index
                    .get(&name)
                    .ok_or_else(|| PyValueError::new_err(format!("unknown feature {name}")))?
            }
        };
        let below: f64 = if feature >= 0 {
            node.get_item("below")?
                .ok_or_else(|| PyValueError::new_err("a split has no threshold"))?
                .extract()?
        } else {
            0.0
        };
        nodes.push(forest::Node {
            feature,
            below,
            then: 0,
            other: 0,
            value,
        });
        if feature >= 0 {
            for (key, then) in [("else", false), ("then", true)] {
                let child = node
                    .get_item(key)?
                    .ok_or_else(|| PyValueError::new_err("a split lacks a child"))?;
                todo.push((child, Some((k, then))));
            }
        }
    }
    Ok(nodes)
}

#[pymethods]
impl Forest {
    /// `base`: the score before any tree; `trees`: the model's trees; `features`: the names of the columns.
    #[new]
    fn new(base: f64, trees: &Bound<'_, PyAny>, features: Vec<String>) -> PyResult<Self> {
        let index = features
            .iter()
            .enumerate()
            .map(|(j, name)| (name.clone(), j as i64))
            .collect();
        let mut flat = Vec::new();
        for tree in trees.try_iter()? {
            flat.push(flat_tree(&tree?, &index)?);
        }
        let forest = forest::Forest {
            base,
            trees: flat,
            features: features.len(),
        };
        forest.check().map_err(PyValueError::new_err)?;
        Ok(Forest { forest })
    }

    /// (scores, contributions): numpy arrays of the rows' scores (log-odds) and, with `explain`, each feature's
    /// contribution to them (rows x features; None without).
    #[pyo3(signature = (x, explain=false))]
    fn scores<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        explain: bool,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let np = py.import("numpy")?;
        let x = np.call_method1("ascontiguousarray", (x, "float64"))?;
        let buf = PyBuffer::<f64>::get(&x)?;
        let m = self.forest.features;
        let shape = buf.shape();
        let n = match shape {
            [n, cols] if *cols == m => *n,
            [0] => 0,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "expected rows of {m} features, got shape {shape:?}"
                )))
            }
        };
        let data = buf.to_vec(py)?;
        let mut z = vec![0.0f64; n];
        let mut contrib = if explain {
            Some(vec![0.0f64; n * m])
        } else {
            None
        };
        self.forest.scores(&data, &mut z, contrib.as_deref_mut());
        let array = |v: &[f64], rows: usize, cols: Option<usize>| -> PyResult<Bound<'py, PyAny>> {
            let bytes: Vec<u8> = v.iter().flat_map(|f| f.to_ne_bytes()).collect();
            let a = np.call_method1("frombuffer", (PyByteArray::new(py, &bytes), "float64"))?;
            match cols {
                Some(c) => a.call_method1("reshape", ((rows, c),)),
                None => Ok(a),
            }
        };
        let zs = array(&z, n, None)?;
        let cs = match contrib {
            Some(c) => array(&c, n, Some(m))?,
            None => py.None().into_bound(py),
        };
        Ok((zs, cs))
    }
}

/// The MinHash signatures of `texts` (dedup's `MinHasher.signatures`): one row of `len(a)` native uint32 per
/// text, as the bytes of a (texts x hash functions) array; `a`, `b` are the hash functions' coefficients and `n`
/// the shingle width in bytes.
#[pyfunction]
fn minhash_signatures<'py>(
    py: Python<'py>,
    texts: Vec<Bound<'py, PyString>>,
    a: Vec<u64>,
    b: Vec<u64>,
    n: usize,
) -> PyResult<Bound<'py, PyByteArray>> {
    if a.len() != b.len() {
        return Err(PyValueError::new_err("a and b differ in length"));
    }
    if n == 0 {
        return Err(PyValueError::new_err("a shingle has at least one byte"));
    }
    let perms = a.len();
    let mut sigs = vec![0u32; texts.len() * perms];
    for (text, row) in texts.iter().zip(sigs.chunks_mut(perms.max(1))) {
        let raw = with_code_points!(text, |t: &[_]| minhash::utf8_surrogatepass(
            t.iter().map(|&c| text::CodePoint::cp(c))
        ));
        minhash::signature(&minhash::shingles(&raw, n), &a, &b, row);
    }
    let bytes: Vec<u8> = sigs.iter().flat_map(|s| s.to_ne_bytes()).collect();
    Ok(PyByteArray::new(py, &bytes))
}

/// The chrome lexicons' phrases, found in a line as the alternation `(?<!\w)(?:p1|p2|...)` (IGNORECASE) finds
/// them (src/lexicon.rs).
#[pyclass(frozen)]
struct Lexicon {
    lexicon: lexicon::Lexicon,
}

#[pymethods]
impl Lexicon {
    /// `phrases`: (text without its `*`, whether it ended in `*`, whether no word character may follow), in the
    /// order the alternation tries them.
    #[new]
    fn new(phrases: Vec<(Bound<'_, PyString>, bool, bool)>) -> PyResult<Self> {
        let phrases = phrases
            .into_iter()
            .map(|(body, star, word_end)| {
                Ok(lexicon::Phrase {
                    body: code_points(&body)?,
                    star,
                    word_end,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Lexicon {
            lexicon: lexicon::Lexicon::new(phrases).map_err(PyValueError::new_err)?,
        })
    }

    /// The (start, end) of every phrase found in `text`, left to right, not overlapping.
    fn spans(&self, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize)>> {
        Ok(self.lexicon.spans(&code_points(text)?))
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<LangidWalk>()?;
    m.add_class::<WordIndex>()?;
    m.add_class::<Forest>()?;
    m.add_class::<Lexicon>()?;
    m.add_function(wrap_pyfunction!(quoted_only, m)?)?;
    m.add_function(wrap_pyfunction!(minhash_signatures, m)?)?;
    m.add_function(wrap_pyfunction!(lines, m)?)?;
    m.add_function(wrap_pyfunction!(sentence_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(word_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(alnum_runs, m)?)?;
    m.add_function(wrap_pyfunction!(line_shapes, m)?)?;
    m.add_function(wrap_pyfunction!(sentences, m)?)?;
    m.add_function(wrap_pyfunction!(word_spans, m)?)?;
    Ok(())
}
