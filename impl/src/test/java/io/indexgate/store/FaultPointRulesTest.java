package io.indexgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.persist.FaultPoint;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.junit.jupiter.api.Test;

/**
 * Every method that the BMUnit rules of these tests name is a {@link FaultPoint} (the harness checks its own rule
 * files the same way), so a rename breaks the build here rather than leaving a rule that never fires.
 */
class FaultPointRulesTest {

    /** The test classes that carry {@link BMRule}s. */
    private static final List<Class<?>> RULED = List.of(SaveFaultTest.class, WithoutTheOwnerLockTest.class,
            PropertyIndexFaultTest.class);

    static List<String> problems(BMRule rule) {
        List<String> problems = new ArrayList<>();
        Class<?> target;
        try {
            target = Class.forName(rule.targetClass());
        } catch (ClassNotFoundException e) {
            return List.of(rule.name() + ": no class " + rule.targetClass());
        }
        boolean annotated = Arrays.stream(target.getDeclaredMethods()).anyMatch(method ->
                method.getName().equals(rule.targetMethod()) && method.isAnnotationPresent(FaultPoint.class));
        if (!annotated) {
            problems.add(rule.name() + ": " + rule.targetClass() + "." + rule.targetMethod()
                    + " is not a @FaultPoint (or does not exist)");
        }
        return problems;
    }

    @Test
    void everyBmUnitRuleOfTheTestsNamesAFaultPoint() {
        List<String> problems = new ArrayList<>();
        int rules = 0;
        for (Class<?> type : RULED) {
            for (Method method : type.getDeclaredMethods()) {
                for (BMRule rule : method.getAnnotationsByType(BMRule.class)) {
                    rules++;
                    problems.addAll(problems(rule));
                }
            }
        }
        assertTrue(rules >= 7, "rules checked: " + rules);
        assertEquals(List.of(), problems);
    }

    @Test
    @BMRule(name = "a rule on a method that is no fault point", targetClass = "io.indexgate.persist.AtomicIndexWriter",
            targetMethod = "parentOf", targetLocation = "AT ENTRY", condition = "false", action = "return null")
    void aRuleOnAMethodThatIsNoFaultPointIsReported() throws NoSuchMethodException {
        BMRule rule = getClass().getDeclaredMethod("aRuleOnAMethodThatIsNoFaultPointIsReported")
                .getAnnotation(BMRule.class);
        assertEquals(1, problems(rule).size());
    }
}
