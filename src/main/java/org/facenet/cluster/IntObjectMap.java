package org.facenet.cluster;

/** A small open-addressing map from non-negative int keys to objects (no boxing), with deletion. */
final class IntObjectMap<V> {

  private static final int EMPTY = -1;
  private static final int DELETED = -2;

  private int[] keys;
  private Object[] values;
  private int size;
  private int used; // live + deleted slots

  IntObjectMap() {
    keys = new int[4];
    java.util.Arrays.fill(keys, EMPTY);
    values = new Object[4];
  }

  int size() {
    return size;
  }

  int capacity() {
    return keys.length;
  }

  boolean occupied(int slot) {
    return keys[slot] >= 0;
  }

  int keyAt(int slot) {
    return keys[slot];
  }

  @SuppressWarnings("unchecked")
  V valueAt(int slot) {
    return (V) values[slot];
  }

  private int slot(int key) {
    int h = key * 0x9E3779B9;
    return (h ^ (h >>> 16)) & (keys.length - 1);
  }

  @SuppressWarnings("unchecked")
  V get(int key) {
    int mask = keys.length - 1;
    for (int s = slot(key);; s = (s + 1) & mask) {
      if (keys[s] == key) return (V) values[s];
      if (keys[s] == EMPTY) return null;
    }
  }

  void put(int key, V value) {
    if (key < 0) throw new IllegalArgumentException("negative key " + key);
    if ((used + 1) * 4 >= keys.length * 3) rehash(size * 4 >= keys.length ? keys.length * 2 : keys.length);
    int mask = keys.length - 1;
    int firstDeleted = -1;
    for (int s = slot(key);; s = (s + 1) & mask) {
      if (keys[s] == key) {
        values[s] = value;
        return;
      }
      if (keys[s] == DELETED && firstDeleted < 0) firstDeleted = s;
      if (keys[s] == EMPTY) {
        if (firstDeleted >= 0) {
          s = firstDeleted;
        } else {
          used++;
        }
        keys[s] = key;
        values[s] = value;
        size++;
        return;
      }
    }
  }

  void remove(int key) {
    int mask = keys.length - 1;
    for (int s = slot(key);; s = (s + 1) & mask) {
      if (keys[s] == key) {
        keys[s] = DELETED;
        values[s] = null;
        size--;
        return;
      }
      if (keys[s] == EMPTY) return;
    }
  }

  private void rehash(int capacity) {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new int[capacity];
    java.util.Arrays.fill(keys, EMPTY);
    values = new Object[capacity];
    size = 0;
    used = 0;
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] >= 0) {
        @SuppressWarnings("unchecked")
        V v = (V) oldValues[s];
        put(oldKeys[s], v);
      }
    }
  }
}
