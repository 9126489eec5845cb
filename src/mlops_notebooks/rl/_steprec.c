/* The compiled part of TrajectoryRecorder's hot path.
 *
 * Store: the recorder installs one as its ``step`` on the instance once an episode's first step
 * has been checked. Calling it steps the environment and writes the action and the reward into
 * C arrays while they are still in the CPU cache, so no Python frame runs and no Python object
 * is kept per step. A step whose values it cannot hold (an action that is not an int, a reward
 * that is not a number, a result that is not a 5-tuple, a full buffer) is handed, with the
 * step's result, to the recorder's Python ``on_misfit``; the store never guesses.
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

/* Write row n from a step's action and result; -1 (no exception) when a value does not fit.
 * Row n is only counted by the caller, so a partial write is simply overwritten later. */
static int
record(Store *s, PyObject *action, PyObject *result)
{
    Py_ssize_t n = s->n;
    if (n >= s->cap || !PyTuple_CheckExact(result) || PyTuple_GET_SIZE(result) != 5) {
        return -1;
    }
    if (as_int64(action, &s->actions[n]) < 0) {
        return -1;
    }
    return as_double(s->float32, PyTuple_GET_ITEM(result, 1), &s->rewards[n]);
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
    Py_ssize_t n = s->n;
    PyObject *actions, *rewards, *out;
    actions = column_bytes(s->actions, n * (Py_ssize_t)sizeof(int64_t));
    rewards = actions == NULL ? NULL : column_bytes(s->rewards, n * (Py_ssize_t)sizeof(double));
    if (rewards == NULL) {
        Py_XDECREF(actions);
        return NULL;
    }
    out = Py_BuildValue("nNN", n, actions, rewards);
    if (out != NULL) {
        s->n = 0;
    }
    return out;
}

static Py_ssize_t
store_len(Store *s)
{
    return s->n;
}

static void
free_buffers(Store *s)
{
    PyMem_Free(s->actions);
    PyMem_Free(s->rewards);
    s->actions = NULL;
    s->rewards = NULL;
}

static int
store_traverse(Store *s, visitproc visit, void *arg)
{
    Py_VISIT(s->env_step);
    Py_VISIT(s->on_end);
    Py_VISIT(s->on_misfit);
    Py_VISIT(s->float32);
    return 0;
}

static int
store_clear(Store *s)
{
    Py_CLEAR(s->env_step);
    Py_CLEAR(s->on_end);
    Py_CLEAR(s->on_misfit);
    Py_CLEAR(s->float32);
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
    static char *names[] = {"env_step", "on_end", "on_misfit", "float32", "capacity", NULL};
    PyObject *env_step, *on_end, *on_misfit, *float32;
    Py_ssize_t capacity;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO!n:Store", names, &env_step, &on_end,
                                     &on_misfit, &PyType_Type, &float32, &capacity)) {
        return -1;
    }
    if (capacity < 1) {
        PyErr_SetString(PyExc_ValueError, "capacity must be at least 1");
        return -1;
    }
    store_clear(s);
    free_buffers(s);
    s->n = 0;
    s->cap = capacity;
    s->actions = PyMem_Malloc(capacity * sizeof(int64_t));
    s->rewards = PyMem_Malloc(capacity * sizeof(double));
    if (!s->actions || !s->rewards) {
        free_buffers(s);
        PyErr_NoMemory();
        return -1;
    }
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

static PyObject *
store_read_double(Store *s, PyObject *value)
{
    double out;
    if (s->float32 == NULL || as_double(s->float32, value, &out) < 0) {
        Py_RETURN_NONE;
    }
    return PyFloat_FromDouble(out);
}

static PyMethodDef store_methods[] = {
    {"append", (PyCFunction)store_append, METH_VARARGS,
     "append(action, result) -> bool: store a step taken elsewhere (False: it does not fit)."},
    {"take", (PyCFunction)store_take, METH_NOARGS,
     "take() -> (n, actions, rewards): the stored rows as bytearrays; empties the store."},
    {"read_double", (PyCFunction)store_read_double, METH_O,
     "read_double(value) -> float or None: how the store reads a reward (for tests)."},
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
 * '?' bool, 'e' position in members), read in one C loop; None when an item does not fit. */
static PyObject *
read_column(PyObject *module, PyObject *args)
{
    PyObject *values, *members, *float32, *out;
    Py_ssize_t start, stop, i, m = 0, width;
    const char *kind;
    char *buf;
    if (!PyArg_ParseTuple(args, "O!nnsOO!:read_column", &PyList_Type, &values, &start, &stop,
                          &kind, &members, &PyType_Type, &float32)) {
        return NULL;
    }
    if (start < 0 || stop < start || stop > PyList_GET_SIZE(values)) {
        PyErr_SetString(PyExc_IndexError, "read_column: start and stop outside the list");
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
    out = PyByteArray_FromStringAndSize(NULL, (stop - start) * width);
    if (out == NULL) {
        return NULL;
    }
    buf = PyByteArray_AS_STRING(out);
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
        case 'e':
            for (j = 0; j < m && PyTuple_GET_ITEM(members, j) != o; j++) {
            }
            if (j == m) {
                goto misfit;
            }
            ((uint8_t *)buf)[row] = (uint8_t)j;
            break;
        default:
            Py_DECREF(out);
            PyErr_Format(PyExc_ValueError, "unknown column kind %s", kind);
            return NULL;
        }
    }
    return out;
misfit:
    Py_DECREF(out);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"read_column", read_column, METH_VARARGS,
     "read_column(values, start, stop, kind, members, float32) -> bytearray or None."},
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
