package org.facenet.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The allowed range of a numeric option, checked by {@link OptionRanges} for every command before it runs:
 * {@code @Range(min = 1) @Option(names = "--batch-size") int batchSize;}. An unset option (a null boxed value) is
 * not checked. Bounds are inclusive unless {@link #minExclusive()} says otherwise.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
@interface Range {
  double min() default Double.NEGATIVE_INFINITY;

  double max() default Double.POSITIVE_INFINITY;

  /** The value must be greater than {@link #min()}, not equal to it (e.g. a learning rate > 0). */
  boolean minExclusive() default false;
}
