package dev.jmdm.policies;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled check. Evaluation is three-valued: a comparison on a missing fact is UNKNOWN, and
 * all/any/not combine as Kleene logic (all: any FAIL fails, else any UNKNOWN is unknown; any: any
 * PASS passes, else any UNKNOWN is unknown), so a missing fact decides only when it has to.
 */
public sealed interface Rule permits Rule.All, Rule.Any, Rule.Not, Comparison, AppCheck, ProfileCheck {
    Verdict evaluate(Facts facts);

    /** The result alone, without building reasons: the same answer as evaluate(facts).result(), for sweeps. */
    Result test(Facts facts);

    /**
     * Three-valued all/any without reasons: the first rule that gives {@code decisive} decides; otherwise
     * any unknown makes the whole unknown, and only when every rule gave the other answer is it {@code otherwise}.
     */
    private static Result shortCircuit(List<Rule> rules, Facts facts, Result decisive, Result otherwise) {
        Result out = otherwise;
        for (Rule r : rules) {
            Result x = r.test(facts);
            if (x == decisive) {
                return decisive;
            }
            if (x == Result.UNKNOWN) {
                out = Result.UNKNOWN;
            }
        }
        return out;
    }

    record All(List<Rule> rules) implements Rule {
        @Override
        public Verdict evaluate(Facts facts) {
            List<Verdict> failed = new ArrayList<>();
            List<Verdict> unknown = new ArrayList<>();
            List<Verdict> passed = new ArrayList<>();
            for (Rule r : rules) {
                Verdict v = r.evaluate(facts);
                (v.result() == Result.FAIL ? failed : v.result() == Result.UNKNOWN ? unknown : passed).add(v);
            }
            if (!failed.isEmpty()) {
                return Verdict.combine(Result.FAIL, failed);
            }
            return unknown.isEmpty() ? Verdict.combine(Result.PASS, passed) : Verdict.combine(Result.UNKNOWN, unknown);
        }

        @Override
        public Result test(Facts facts) {
            return Rule.shortCircuit(rules, facts, Result.FAIL, Result.PASS);
        }
    }

    record Any(List<Rule> rules) implements Rule {
        @Override
        public Verdict evaluate(Facts facts) {
            List<Verdict> failed = new ArrayList<>();
            List<Verdict> unknown = new ArrayList<>();
            for (Rule r : rules) {
                Verdict v = r.evaluate(facts);
                if (v.result() == Result.PASS) {
                    return v;
                }
                (v.result() == Result.FAIL ? failed : unknown).add(v);
            }
            return unknown.isEmpty() ? Verdict.combine(Result.FAIL, failed) : Verdict.combine(Result.UNKNOWN, unknown);
        }

        @Override
        public Result test(Facts facts) {
            return Rule.shortCircuit(rules, facts, Result.PASS, Result.FAIL);
        }
    }

    record Not(Rule rule) implements Rule {
        @Override
        public Verdict evaluate(Facts facts) {
            Verdict v = rule.evaluate(facts);
            return switch (v.result()) {
                case PASS -> new Verdict(Result.FAIL, "not (" + v.reason() + ")", v.facts());
                case FAIL -> new Verdict(Result.PASS, "not (" + v.reason() + ")", v.facts());
                case UNKNOWN -> v;
            };
        }

        @Override
        public Result test(Facts facts) {
            Result x = rule.test(facts);
            return x == Result.PASS ? Result.FAIL : x == Result.FAIL ? Result.PASS : x;
        }
    }
}
