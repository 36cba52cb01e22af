package io.indexgate.persist;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that fault-injection rules name by class and method name: the Byteman rules of the harness's
 * scenario catalog and negative controls, the BMUnit rules of the tests, and the harness's crash-point tracer. Its
 * class, name and parameters are part of the durability gate: a rule that names a method that no longer exists never
 * fires, and a scenario whose rule never fires is only caught as "never struck" at run time. So renaming, moving or
 * merging such a method means changing the rules that name it; the {@code FaultPointsTest}s check that every rule
 * names a method with this annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface FaultPoint {

    /** What rules do here, for the reader: for example "crash and I/O errors of the file force". */
    String value();
}
