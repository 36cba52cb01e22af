package io.indexgate.harness.sut;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks, before a campaign starts, that a Java store under test will load in the children. */
public final class JavaStores {

    private JavaStores() {
    }

    /**
     * What is wrong with the Java store {@code store} names, or null: its class path entries exist, the class loads
     * from them (with the harness), implements {@link SystemUnderTest} and has a public no-argument constructor.
     */
    public static String problem(StoreUnderTest store) {
        List<URL> urls = new ArrayList<>();
        if (store.classPath() != null) {
            for (String entry : store.classPath().split(File.pathSeparator)) {
                Path path = Path.of(entry);
                if (!Files.exists(path)) {
                    return "--sut-classpath entry " + path.toAbsolutePath() + " does not exist";
                }
                try {
                    urls.add(path.toUri().toURL());
                } catch (MalformedURLException e) {
                    return "--sut-classpath entry " + path + " is not a path: " + e.getMessage();
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), JavaStores.class.getClassLoader())) {
            Class<?> type = Class.forName(store.className(), false, loader);
            if (!SystemUnderTest.class.isAssignableFrom(type)) {
                return store.className() + " does not implement " + SystemUnderTest.class.getName();
            }
            type.getConstructor();
            return null;
        } catch (ClassNotFoundException e) {
            return "no class " + store.className() + " on the harness's class path or --sut-classpath "
                    + store.classPath();
        } catch (NoSuchMethodException e) {
            return store.className() + " has no public no-argument constructor";
        } catch (java.io.IOException | LinkageError e) {
            return store.className() + " does not load: " + e;
        }
    }
}
