/**
 * Negative controls, for the fault-injection harness and the tests only: the weakened persistence modes
 * ({@link io.indexgate.testing.PersistenceMode}) that show the durability gate catches weaker save protocols. Nothing
 * in the store's public API or configuration reaches this package, and no system property does: a JVM saves with
 * the reference protocol unless code calls {@link io.indexgate.testing.PersistenceMode#install}.
 */
package io.indexgate.testing;
