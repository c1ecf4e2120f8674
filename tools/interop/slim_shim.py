"""A stand-in for the few tf.contrib.slim functions facenet's src/models/inception_resnet_v1.py calls (tf_slim is
not installable here), written for tools/interop/facenet_crosscheck.py. Scope naming follows slim's: a layer
with scope S creates S/weights, S/biases or S/BatchNorm/{beta,moving_mean,moving_variance}; an unnamed one gets its
default scope (Conv, BatchNorm, Repeat, ...) uniquified by TensorFlow; repeat(net, n, f) names f's calls f_1..f_n
inside Repeat, Repeat_1, ...; arg_scope sets the defaults of the decorated functions. Batch norm is slim's maths:
beta only (no gamma) unless scale=True, batch statistics when training, moving statistics otherwise (tf.cond on a
tensor is_training), moving averages updated in place as updates_collections=None asks.
"""
import contextlib
import functools

import tensorflow.compat.v1 as tf

_ARG_SCOPE = [{}]


def add_arg_scope(fn):
  @functools.wraps(fn)
  def wrapper(*args, **kwargs):
    merged = dict(_ARG_SCOPE[-1].get(wrapper, {}))
    merged.update(kwargs)
    return fn(*args, **merged)
  return wrapper


@contextlib.contextmanager
def arg_scope(fns, **kwargs):
  top = {k: dict(v) for k, v in _ARG_SCOPE[-1].items()}
  for f in fns:
    top.setdefault(f, {}).update(kwargs)
  _ARG_SCOPE.append(top)
  try:
    yield
  finally:
    _ARG_SCOPE.pop()


class initializers:  # noqa: N801 (slim.initializers.xavier_initializer)
  @staticmethod
  def xavier_initializer():
    return tf.glorot_uniform_initializer()


def l2_regularizer(scale):
  return lambda w: tf.multiply(scale, tf.nn.l2_loss(w), name='l2_regularizer')


def _variable(name, shape, initializer, regularizer=None, trainable=True, collections=None):
  v = tf.get_variable(name, shape, tf.float32, initializer=initializer, regularizer=regularizer,
                      trainable=trainable)
  for c in collections or []:
    if v not in tf.get_collection(c):
      tf.add_to_collection(c, v)
  return v


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, is_training=True,
               updates_collections=tf.GraphKeys.UPDATE_OPS, variables_collections=None, scope=None, reuse=None):
  with tf.variable_scope(scope, 'BatchNorm', [inputs], reuse=reuse):
    c = int(inputs.get_shape()[-1])
    beta = _variable('beta', [c], tf.zeros_initializer(), collections=variables_collections) if center else None
    gamma = _variable('gamma', [c], tf.ones_initializer(), collections=variables_collections) if scale else None
    mean = _variable('moving_mean', [c], tf.zeros_initializer(), trainable=False, collections=variables_collections)
    var = _variable('moving_variance', [c], tf.ones_initializer(), trainable=False,
                    collections=variables_collections)
    axes = list(range(len(inputs.get_shape()) - 1))

    def training():
      m, v = tf.nn.moments(inputs, axes)
      upd = [tf.assign_sub(mean, (mean - m) * (1 - decay)), tf.assign_sub(var, (var - v) * (1 - decay))]
      with tf.control_dependencies(upd):
        return tf.nn.batch_normalization(inputs, m, v, beta, gamma, epsilon)

    def inference():
      return tf.nn.batch_normalization(inputs, mean, var, beta, gamma, epsilon)

    if isinstance(is_training, bool):
      return training() if is_training else inference()
    return tf.cond(is_training, training, inference)


@add_arg_scope
def conv2d(inputs, num_outputs, kernel_size, stride=1, padding='SAME', activation_fn=tf.nn.relu,
           normalizer_fn=None, normalizer_params=None, weights_initializer=None, weights_regularizer=None,
           biases_initializer=tf.zeros_initializer(), scope=None, reuse=None):
  k = [kernel_size, kernel_size] if isinstance(kernel_size, int) else list(kernel_size)
  with tf.variable_scope(scope, 'Conv', [inputs], reuse=reuse):
    cin = int(inputs.get_shape()[-1])
    w = _variable('weights', k + [cin, int(num_outputs)], weights_initializer or tf.glorot_uniform_initializer(),
                  weights_regularizer)
    out = tf.nn.conv2d(inputs, w, [1, stride, stride, 1], padding)
    if normalizer_fn is not None:
      out = normalizer_fn(out, **(normalizer_params or {}))
    else:
      out = tf.nn.bias_add(out, _variable('biases', [int(num_outputs)], biases_initializer))
    return activation_fn(out) if activation_fn is not None else out


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
                    weights_initializer=None, weights_regularizer=None, biases_initializer=tf.zeros_initializer(),
                    scope=None, reuse=None):
  with tf.variable_scope(scope, 'fully_connected', [inputs], reuse=reuse):
    cin = int(inputs.get_shape()[-1])
    w = _variable('weights', [cin, int(num_outputs)], weights_initializer or tf.glorot_uniform_initializer(),
                  weights_regularizer)
    out = tf.matmul(inputs, w)
    if normalizer_fn is not None:
      out = normalizer_fn(out, **(normalizer_params or {}))
    else:
      out = tf.nn.bias_add(out, _variable('biases', [int(num_outputs)], biases_initializer))
    return activation_fn(out) if activation_fn is not None else out


def _pool(kind, inputs, kernel_size, stride=2, padding='VALID', scope=None):
  k = [kernel_size, kernel_size] if isinstance(kernel_size, int) else [int(d) for d in kernel_size]
  s = [stride, stride] if isinstance(stride, int) else list(stride)
  with tf.name_scope(scope, kind, [inputs]):
    f = tf.nn.max_pool if kind == 'MaxPool2D' else tf.nn.avg_pool
    return f(inputs, [1] + k + [1], [1] + s + [1], padding)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding='VALID', scope=None):
  return _pool('MaxPool2D', inputs, kernel_size, stride, padding, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding='VALID', scope=None):
  return _pool('AvgPool2D', inputs, kernel_size, stride, padding, scope)


def flatten(inputs, scope=None):
  with tf.name_scope(scope, 'Flatten', [inputs]):
    return tf.reshape(inputs, [-1, int(functools.reduce(lambda a, b: a * b, inputs.get_shape()[1:].as_list()))])


@add_arg_scope
def dropout(inputs, keep_prob=0.5, is_training=True, scope=None):
  with tf.name_scope(scope, 'Dropout', [inputs]):
    if isinstance(is_training, bool):
      return tf.nn.dropout(inputs, rate=1 - keep_prob) if is_training else inputs
    return tf.cond(is_training, lambda: tf.nn.dropout(inputs, rate=1 - keep_prob), lambda: tf.identity(inputs))


def repeat(inputs, repetitions, layer, *args, **kwargs):
  scope = kwargs.pop('scope', None)
  with tf.variable_scope(scope, 'Repeat', [inputs]):
    if scope is None:
      scope = getattr(layer, '__name__', 'repeat')
    out = inputs
    for i in range(repetitions):
      kwargs['scope'] = scope + '_' + str(i + 1)
      out = layer(out, *args, **kwargs)
    return out
