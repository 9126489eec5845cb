/* The compiled part of TrajectoryRecorder's hot path.
 *
 * Store: the recorder installs one as its ``step`` on the instance once an episode's first step
 * has been checked. Calling it steps the environment and writes the action and the reward into
 * C arrays while they are still in the CPU cache, so no Python frame runs and no Python object
 * is kept per step. For environments whose observations and info are not rebuilt later it also
 * writes the chosen ``info`` keys' values (kinds as for read_column) and the recorded part of
 * the observation the action was chosen from (the previous step's, kept as ``pending``; read
 * through the buffer protocol from a C-contiguous array of the expected format). A step whose
 * values it cannot hold (an action that is not an int, a reward that is not a number, a missing
 * key, another observation layout, a result that is not a 5-tuple, a full buffer) is handed,
 * with the step's result, to the recorder's Python ``on_misfit``; the store never guesses.
 *
 * read_column: a list (an environment's kept ``info`` history) read into one typed column in
 * one loop: 'd' float64 (Python float and its subclasses such as numpy.float64, numpy.float32,
 * exact int), 'q' int64 (exact int), '?' bool (True/False), 'e' enum member (its position in a
 * tuple of members, found by identity; at most 256 members).
 *
 * Everything else (episode bookkeeping, flushing, the table) stays in Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* numpy's float32 scalar object: the object header, then the value (numpy's scalar ABI). */
typedef struct {
    PyObject_HEAD
    float obval;
} Float32Scalar;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *env_step;  /* the environment's step */
    PyObject *on_end;    /* on_end(terminated, truncated): after a stored step that ends an
                            episode or fills the buffer */
    PyObject *on_misfit; /* on_misfit(action, result) -> result: a step the store cannot hold */
    PyTypeObject *float32;
    Py_ssize_t n, cap;
    int64_t *actions;
    double *rewards;
    /* info columns */
    PyObject *keys;    /* tuple of info keys */
    PyObject *members; /* tuple: per key, a tuple of enum members or None */
    char *kinds;       /* per key */
    Py_ssize_t nkeys;
    void **columns; /* per key: double*, int64_t* or uint8_t* */
    /* observations: bytes [obs_offset, obs_offset + obs_width) of an obs_total-byte buffer */
    char *obs_format;
    Py_ssize_t obs_total, obs_offset, obs_width;
    char *obs;     /* cap * obs_width */
    char *pending; /* the recorded part of the observation the next action is chosen from */
} Store;

static int
as_double(PyTypeObject *float32, PyObject *o, double *out)
{
    /* the common types first, by exact type: a subclass check walks the type's MRO */
    if (Py_IS_TYPE(o, float32)) {
        *out = (double)((Float32Scalar *)o)->obval;
        return 0;
    }
    if (PyFloat_CheckExact(o)) {
        *out = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    if (PyLong_CheckExact(o)) {
        double v = PyLong_AsDouble(o);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return -1;
        }
        *out = v;
        return 0;
    }
    if (PyFloat_Check(o)) { /* numpy.float64 and other float subclasses */
        *out = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    return -1;
}

static int
as_int64(PyObject *o, int64_t *out)
{
    int overflow = 0;
    long long v;
    if (!PyLong_CheckExact(o)) {
        return -1;
    }
    v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int
store_value(Store *s, Py_ssize_t i, PyObject *value, Py_ssize_t n)
{
    switch (s->kinds[i]) {
    case 'd':
        return as_double(s->float32, value, &((double *)s->columns[i])[n]);
    case 'q':
        return as_int64(value, &((int64_t *)s->columns[i])[n]);
    case '?':
        if (value != Py_True && value != Py_False) {
            return -1;
        }
        ((uint8_t *)s->columns[i])[n] = value == Py_True;
        return 0;
    case 'e': {
        PyObject *members = PyTuple_GET_ITEM(s->members, i);
        Py_ssize_t j, m = PyTuple_GET_SIZE(members);
        for (j = 0; j < m && PyTuple_GET_ITEM(members, j) != value; j++) {
        }
        if (j == m) {
            return -1;
        }
        ((uint8_t *)s->columns[i])[n] = (uint8_t)j;
        return 0;
    }
    default:
        return -1;
    }
}

/* Write row n from a step's action and result; -1 (no exception) when a value does not fit.
 * Row n is only counted by the caller, so a partial write is simply overwritten later; the
 * pending observation changes only when the whole row was written. */
static int
record(Store *s, PyObject *action, PyObject *result)
{
    Py_ssize_t i, pos = 0, n = s->n;
    if (n >= s->cap || !PyTuple_CheckExact(result) || PyTuple_GET_SIZE(result) != 5) {
        return -1;
    }
    if (as_int64(action, &s->actions[n]) < 0) {
        return -1;
    }
    if (as_double(s->float32, PyTuple_GET_ITEM(result, 1), &s->rewards[n]) < 0) {
        return -1;
    }
    if (s->nkeys) {
        PyObject *info = PyTuple_GET_ITEM(result, 4);
        if (!PyDict_CheckExact(info)) {
            return -1;
        }
        /* An environment builds each step's info the same way: its keys come in the same
         * order, as the same objects. Walk the dict comparing keys by identity; look a key up
         * only when that fails. */
        for (i = 0; i < s->nkeys; i++) {
            PyObject *key = PyTuple_GET_ITEM(s->keys, i), *found, *value;
            if (!PyDict_Next(info, &pos, &found, &value) || found != key) {
                value = PyDict_GetItemWithError(info, key);
                if (value == NULL) {
                    PyErr_Clear();
                    return -1;
                }
                pos = PY_SSIZE_T_MAX; /* stay on lookups for the rest of this step */
            }
            if (store_value(s, i, value, n) < 0) {
                return -1;
            }
        }
    }
    if (s->obs_width) {
        Py_buffer view;
        int fits;
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(result, 0), &view,
                               PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
            PyErr_Clear();
            return -1;
        }
        fits = view.len == s->obs_total && view.format != NULL &&
               strcmp(view.format, s->obs_format) == 0;
        if (fits) {
            memcpy(s->obs + n * s->obs_width, s->pending, s->obs_width);
            memcpy(s->pending, (const char *)view.buf + s->obs_offset, s->obs_width);
        }
        PyBuffer_Release(&view);
        if (!fits) {
            return -1;
        }
    }
    return 0;
}

static int
is_true(PyObject *o)
{
    if (o == Py_False) {
        return 0;
    }
    if (o == Py_True) {
        return 1;
    }
    return PyObject_IsTrue(o);
}

/* store(action): step the environment with action, store the row, or hand the step to
 * on_misfit. Calls on_end after a row that ends an episode or fills the buffer. */
static PyObject *
store_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Store *s = (Store *)self;
    PyObject *action, *result;
    int terminated, truncated;
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "step() takes exactly one argument, the action");
        return NULL;
    }
    action = args[0];
    result = PyObject_CallOneArg(s->env_step, action);
    if (result == NULL) {
        return NULL;
    }
    if (record(s, action, result) < 0) {
        PyObject *out = PyObject_CallFunctionObjArgs(s->on_misfit, action, result, NULL);
        Py_DECREF(result);
        return out;
    }
    s->n++;
    terminated = is_true(PyTuple_GET_ITEM(result, 2));
    truncated = terminated < 0 ? -1 : is_true(PyTuple_GET_ITEM(result, 3));
    if (truncated < 0) {
        Py_DECREF(result);
        return NULL;
    }
    if (terminated || truncated || s->n >= s->cap) {
        PyObject *done = PyObject_CallFunctionObjArgs(
            s->on_end, terminated ? Py_True : Py_False, truncated ? Py_True : Py_False, NULL);
        if (done == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(done);
    }
    return result;
}

static PyObject *
store_append(Store *s, PyObject *args)
{
    PyObject *action, *result;
    if (!PyArg_ParseTuple(args, "OO:append", &action, &result)) {
        return NULL;
    }
    if (record(s, action, result) < 0) {
        Py_RETURN_FALSE;
    }
    s->n++;
    Py_RETURN_TRUE;
}

/* The first n * width bytes of buf as a bytearray (numpy views it writable, so polars can
 * take it without copying it again). */
static PyObject *
column_bytes(const void *buf, Py_ssize_t size)
{
    return PyByteArray_FromStringAndSize((const char *)buf, size);
}

static PyObject *
store_take(Store *s, PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t i, n = s->n;
    PyObject *actions, *rewards, *obs, *columns, *out;
    columns = PyTuple_New(s->nkeys);
    if (columns == NULL) {
        return NULL;
    }
    for (i = 0; i < s->nkeys; i++) {
        Py_ssize_t width = (s->kinds[i] == 'd' || s->kinds[i] == 'q') ? 8 : 1;
        PyObject *column = column_bytes(s->columns[i], n * width);
        if (column == NULL) {
            Py_DECREF(columns);
            return NULL;
        }
        PyTuple_SET_ITEM(columns, i, column);
    }
    if (s->obs_width) {
        obs = column_bytes(s->obs, n * s->obs_width);
    }
    else {
        obs = Py_None;
        Py_INCREF(obs);
    }
    actions = obs == NULL ? NULL : column_bytes(s->actions, n * (Py_ssize_t)sizeof(int64_t));
    rewards = actions == NULL ? NULL : column_bytes(s->rewards, n * (Py_ssize_t)sizeof(double));
    if (rewards == NULL) {
        Py_XDECREF(actions);
        Py_XDECREF(obs);
        Py_DECREF(columns);
        return NULL;
    }
    out = Py_BuildValue("nNNNN", n, actions, rewards, obs, columns);
    if (out != NULL) {
        s->n = 0;
    }
    return out;
}

static PyObject *
store_set_pending(Store *s, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (view.len != s->obs_width) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "set_pending: %zd bytes, the store records %zd",
                     view.len, s->obs_width);
        return NULL;
    }
    if (s->obs_width) {
        memcpy(s->pending, view.buf, s->obs_width);
    }
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *
store_pending(Store *s, PyObject *Py_UNUSED(ignored))
{
    return PyBytes_FromStringAndSize(s->pending, s->obs_width);
}

static Py_ssize_t
store_len(Store *s)
{
    return s->n;
}

static void
free_buffers(Store *s)
{
    Py_ssize_t i;
    if (s->columns != NULL) {
        for (i = 0; i < s->nkeys; i++) {
            PyMem_Free(s->columns[i]);
        }
        PyMem_Free(s->columns);
    }
    PyMem_Free(s->actions);
    PyMem_Free(s->rewards);
    PyMem_Free(s->kinds);
    PyMem_Free(s->obs_format);
    PyMem_Free(s->obs);
    PyMem_Free(s->pending);
    s->columns = NULL;
    s->actions = NULL;
    s->rewards = NULL;
    s->kinds = NULL;
    s->obs_format = NULL;
    s->obs = NULL;
    s->pending = NULL;
    s->nkeys = 0;
    s->obs_width = 0;
}

static int
store_traverse(Store *s, visitproc visit, void *arg)
{
    Py_VISIT(s->env_step);
    Py_VISIT(s->on_end);
    Py_VISIT(s->on_misfit);
    Py_VISIT(s->float32);
    Py_VISIT(s->keys);
    Py_VISIT(s->members);
    return 0;
}

static int
store_clear(Store *s)
{
    Py_CLEAR(s->env_step);
    Py_CLEAR(s->on_end);
    Py_CLEAR(s->on_misfit);
    Py_CLEAR(s->float32);
    Py_CLEAR(s->keys);
    Py_CLEAR(s->members);
    return 0;
}

static void
store_dealloc(Store *s)
{
    PyObject_GC_UnTrack(s);
    store_clear(s);
    free_buffers(s);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static int
store_init(Store *s, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"env_step", "on_end",     "on_misfit",  "float32",
                            "capacity", "keys",       "kinds",      "members",
                            "obs_format", "obs_total", "obs_offset", "obs_width",
                            NULL};
    PyObject *env_step, *on_end, *on_misfit, *float32, *keys = NULL, *members = NULL;
    const char *kinds = "", *obs_format = "";
    Py_ssize_t capacity, nkinds = 0, obs_total = 0, obs_offset = 0, obs_width = 0, i;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO!n|O!s#O!snnn:Store", names, &env_step,
                                     &on_end, &on_misfit, &PyType_Type, &float32, &capacity,
                                     &PyTuple_Type, &keys, &kinds, &nkinds, &PyTuple_Type,
                                     &members, &obs_format, &obs_total, &obs_offset,
                                     &obs_width)) {
        return -1;
    }
    if (capacity < 1 || obs_width < 0 || obs_offset < 0 || obs_offset + obs_width > obs_total) {
        PyErr_SetString(PyExc_ValueError, "capacity or observation layout out of range");
        return -1;
    }
    if (nkinds != (keys ? PyTuple_GET_SIZE(keys) : 0) ||
        nkinds != (members ? PyTuple_GET_SIZE(members) : 0)) {
        PyErr_SetString(PyExc_ValueError, "keys, kinds and members must have one entry per key");
        return -1;
    }
    for (i = 0; i < nkinds; i++) {
        PyObject *m = PyTuple_GET_ITEM(members, i);
        if (kinds[i] == '\0' || strchr("dq?e", kinds[i]) == NULL) {
            PyErr_Format(PyExc_ValueError, "unknown column kind %c", kinds[i]);
            return -1;
        }
        if (kinds[i] == 'e' && (!PyTuple_Check(m) || PyTuple_GET_SIZE(m) > 256)) {
            PyErr_SetString(PyExc_ValueError, "an enum column needs a tuple of <= 256 members");
            return -1;
        }
    }
    store_clear(s);
    free_buffers(s);
    s->n = 0;
    s->cap = capacity;
    s->actions = PyMem_Malloc(capacity * sizeof(int64_t));
    s->rewards = PyMem_Malloc(capacity * sizeof(double));
    s->kinds = PyMem_Malloc(nkinds + 1);
    s->columns = PyMem_Calloc(nkinds ? nkinds : 1, sizeof(void *));
    s->obs_format = PyMem_Malloc(strlen(obs_format) + 1);
    s->obs = PyMem_Malloc(obs_width ? capacity * obs_width : 1);
    s->pending = PyMem_Calloc(obs_width ? obs_width : 1, 1);
    if (!s->actions || !s->rewards || !s->kinds || !s->columns || !s->obs_format || !s->obs ||
        !s->pending) {
        free_buffers(s);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(s->kinds, kinds, nkinds);
    s->kinds[nkinds] = '\0';
    strcpy(s->obs_format, obs_format);
    s->nkeys = nkinds;
    for (i = 0; i < nkinds; i++) {
        size_t width = (kinds[i] == 'd' || kinds[i] == 'q') ? 8 : 1;
        s->columns[i] = PyMem_Malloc(capacity * width);
        if (s->columns[i] == NULL) {
            free_buffers(s);
            PyErr_NoMemory();
            return -1;
        }
    }
    s->obs_total = obs_total;
    s->obs_offset = obs_offset;
    s->obs_width = obs_width;
    /* new references either way */
    keys = keys ? (Py_INCREF(keys), keys) : PyTuple_New(0);
    members = members ? (Py_INCREF(members), members) : PyTuple_New(0);
    if (keys == NULL || members == NULL) {
        Py_XDECREF(keys);
        Py_XDECREF(members);
        free_buffers(s);
        return -1;
    }
    s->keys = keys;
    s->members = members;
    Py_INCREF(env_step);
    s->env_step = env_step;
    Py_INCREF(on_end);
    s->on_end = on_end;
    Py_INCREF(on_misfit);
    s->on_misfit = on_misfit;
    Py_INCREF(float32);
    s->float32 = (PyTypeObject *)float32;
    return 0;
}

static PyObject *
store_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    Store *s = (Store *)type->tp_alloc(type, 0);
    if (s != NULL) {
        s->vectorcall = store_vectorcall;
    }
    return (PyObject *)s;
}

static PyMethodDef store_methods[] = {
    {"append", (PyCFunction)store_append, METH_VARARGS,
     "append(action, result) -> bool: store a step taken elsewhere (False: it does not fit)."},
    {"take", (PyCFunction)store_take, METH_NOARGS,
     "take() -> (n, actions, rewards, observations or None, info columns): the stored rows "
     "as bytearrays; empties the store."},
    {"set_pending", (PyCFunction)store_set_pending, METH_O,
     "set_pending(bytes): the recorded part of the observation the next action is chosen from."},
    {"pending", (PyCFunction)store_pending, METH_NOARGS,
     "pending() -> bytes: that part, as the store holds it now."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods store_as_sequence = {
    .sq_length = (lenfunc)store_len,
};

static PyTypeObject StoreType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "mlops_notebooks.rl._steprec.Store",
    .tp_doc = "Typed column buffers filled at step time; calling it steps the environment.",
    .tp_basicsize = sizeof(Store),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = store_new,
    .tp_init = (initproc)store_init,
    .tp_dealloc = (destructor)store_dealloc,
    .tp_traverse = (traverseproc)store_traverse,
    .tp_clear = (inquiry)store_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Store, vectorcall),
    .tp_methods = store_methods,
    .tp_as_sequence = &store_as_sequence,
};

/* read_column(values, start, stop, kind, members, float32) -> bytearray or None: the items
 * values[start:stop] of a list as one column of the given kind ('d' float64, 'q' int64,
 * '?' bool, 'e' position in members), read in one C loop into a new bytearray, or into the
 * writable buffer out from row at on (then out is returned: several lists fill one column
 * without a copy to join them); None when an item does not fit (out may then hold the rows
 * read before it). */
static PyObject *
read_column(PyObject *module, PyObject *args)
{
    PyObject *values, *members, *float32, *out = NULL, *result;
    Py_ssize_t start, stop, i, m = 0, width, at = 0;
    Py_buffer view = {0};
    const char *kind;
    char *buf;
    if (!PyArg_ParseTuple(args, "O!nnsOO!|On:read_column", &PyList_Type, &values, &start, &stop,
                          &kind, &members, &PyType_Type, &float32, &out, &at)) {
        return NULL;
    }
    if (start < 0 || stop < start || stop > PyList_GET_SIZE(values)) {
        PyErr_SetString(PyExc_IndexError, "read_column: start and stop outside the list");
        return NULL;
    }
    if (kind[0] == '\0' || strchr("dq?e", kind[0]) == NULL) {
        PyErr_Format(PyExc_ValueError, "unknown column kind %s", kind);
        return NULL;
    }
    if (kind[0] == 'e') {
        if (!PyTuple_Check(members) || PyTuple_GET_SIZE(members) > 256) {
            PyErr_SetString(PyExc_ValueError, "an enum column needs a tuple of <= 256 members");
            return NULL;
        }
        m = PyTuple_GET_SIZE(members);
    }
    width = (kind[0] == 'd' || kind[0] == 'q') ? 8 : 1;
    if (out != NULL && out != Py_None) {
        if (PyObject_GetBuffer(out, &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) {
            return NULL;
        }
        if (at < 0 || (at + stop - start) * width > view.len) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_IndexError, "read_column: the rows do not fit in out");
            return NULL;
        }
        buf = (char *)view.buf + at * width;
        result = out;
        Py_INCREF(result);
    }
    else {
        result = PyByteArray_FromStringAndSize(NULL, (stop - start) * width);
        if (result == NULL) {
            return NULL;
        }
        buf = PyByteArray_AS_STRING(result);
    }
    for (i = start; i < stop; i++) {
        PyObject *o = PyList_GET_ITEM(values, i);
        Py_ssize_t row = i - start, j;
        switch (kind[0]) {
        case 'd':
            if (as_double((PyTypeObject *)float32, o, &((double *)buf)[row]) < 0) {
                goto misfit;
            }
            break;
        case 'q':
            if (as_int64(o, &((int64_t *)buf)[row]) < 0) {
                goto misfit;
            }
            break;
        case '?':
            if (o != Py_True && o != Py_False) {
                goto misfit;
            }
            buf[row] = o == Py_True;
            break;
        default: /* 'e' (the kind was checked above) */
            for (j = 0; j < m && PyTuple_GET_ITEM(members, j) != o; j++) {
            }
            if (j == m) {
                goto misfit;
            }
            ((uint8_t *)buf)[row] = (uint8_t)j;
            break;
        }
    }
    PyBuffer_Release(&view); /* nothing to release without out */
    return result;
misfit:
    PyBuffer_Release(&view);
    Py_DECREF(result);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"read_column", read_column, METH_VARARGS,
     "read_column(values, start, stop, kind, members, float32[, out, at]) -> bytearray, out "
     "or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_steprec",
    .m_doc = "Typed column buffers filled at step time (TrajectoryRecorder's hot path).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__steprec(void)
{
    PyObject *m;
    if (PyType_Ready(&StoreType) < 0) {
        return NULL;
    }
    m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&StoreType);
    if (PyModule_AddObject(m, "Store", (PyObject *)&StoreType) < 0) {
        Py_DECREF(&StoreType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
