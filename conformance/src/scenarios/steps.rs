//! Step definitions as data: each says which keywords it answers to, its pattern, and what it
//! needs besides the target (a control API, a second key). Only the definitions whose needs
//! are met are given to cucumber, so a step needing something missing matches nothing and
//! cucumber skips its scenario; [`Steps::skip_reason`] then says why.

use cucumber::gherkin::{self, StepType};
use cucumber::step;
use regex::Regex;

/// The kinds of Gherkin step a definition answers to (`And`/`But` take the previous kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    /// `Given`: a state set up before the action.
    Given,
    /// `When`: the action under test.
    When,
    /// `Then`: what must hold afterwards.
    Then,
}

/// What a step needs besides the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Nothing else.
    Target,
    /// A control API that moves the target's clock (`--control`).
    Control,
    /// A control API that drives captures and registers webhook receivers (`--control`).
    Driver,
    /// A control API that forces the outcome of the next calls (`--control`).
    Outcomes,
    /// A second API key without special permissions (`--limited-key`).
    LimitedKey,
    /// A key of a second account of the same service (`--second-key`).
    SecondKey,
    /// A key of an account whose attempts keep videos (`--videos-key`).
    VideosKey,
}

impl Needs {
    /// Why a scenario using such a step is skipped when it is not available.
    pub fn missing(self) -> &'static str {
        match self {
            Needs::Target => "needs nothing more",
            Needs::Control => "needs a control API to move the clock (--control)",
            Needs::Driver => "needs a control API to drive captures and webhooks (--control)",
            Needs::Outcomes => "needs a control API to force outcomes (--control)",
            Needs::LimitedKey => "needs an API key without special permissions (--limited-key)",
            Needs::SecondKey => "needs a key of a second account (--second-key)",
            Needs::VideosKey => "needs a key of an account with videos enabled (--videos-key)",
        }
    }
}

/// What the run offers besides the target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Available {
    /// A control API was given.
    pub control: bool,
    /// A key without special permissions was given.
    pub limited_key: bool,
    /// A key of a second account was given.
    pub second_key: bool,
    /// A key of an account with videos enabled was given.
    pub videos_key: bool,
}

impl Available {
    /// Whether `needs` is met.
    pub fn meets(self, needs: Needs) -> bool {
        match needs {
            Needs::Target => true,
            Needs::Control | Needs::Driver | Needs::Outcomes => self.control,
            Needs::LimitedKey => self.limited_key,
            Needs::SecondKey => self.second_key,
            Needs::VideosKey => self.videos_key,
        }
    }
}

/// One step definition.
pub struct StepDef<W> {
    /// The keywords it answers to.
    pub keywords: &'static [Keyword],
    /// An anchored regular expression over the step text.
    pub pattern: &'static str,
    /// What it needs.
    pub needs: Needs,
    /// The step itself.
    pub run: step::Step<W>,
}

/// Every step definition of an API, with compiled patterns.
pub struct Steps<W> {
    definitions: Vec<(StepDef<W>, Regex)>,
}

/// How a feature step relates to the definitions.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Exactly one definition matches; it needs this.
    Defined(Needs),
    /// No definition matches.
    Undefined,
    /// Several definitions match.
    Ambiguous(usize),
}

impl<W> Steps<W> {
    /// Compiles every pattern; a pattern that does not compile is a bug and panics.
    pub fn new(definitions: Vec<StepDef<W>>) -> Self {
        let definitions = definitions
            .into_iter()
            .map(|def| {
                let regex = Regex::new(def.pattern)
                    .unwrap_or_else(|e| panic!("step pattern {:?}: {e}", def.pattern));
                (def, regex)
            })
            .collect();
        Steps { definitions }
    }

    /// The cucumber collection of the definitions whose needs `available` meets.
    pub fn collection(&self, available: Available) -> step::Collection<W> {
        let mut collection = step::Collection::new();
        for (def, regex) in &self.definitions {
            if !available.meets(def.needs) {
                continue;
            }
            for keyword in def.keywords {
                collection = match keyword {
                    Keyword::Given => collection.given(None, regex.clone(), def.run),
                    Keyword::When => collection.when(None, regex.clone(), def.run),
                    Keyword::Then => collection.then(None, regex.clone(), def.run),
                };
            }
        }
        collection
    }

    /// Which definitions match `step`, whatever the run offers.
    pub fn lookup(&self, step: &gherkin::Step) -> Lookup {
        let keyword = match step.ty {
            StepType::Given => Keyword::Given,
            StepType::When => Keyword::When,
            StepType::Then => Keyword::Then,
        };
        let matching: Vec<Needs> = self
            .definitions
            .iter()
            .filter(|(def, regex)| def.keywords.contains(&keyword) && regex.is_match(&step.value))
            .map(|(def, _)| def.needs)
            .collect();
        match matching.as_slice() {
            [] => Lookup::Undefined,
            [needs] => Lookup::Defined(*needs),
            many => Lookup::Ambiguous(many.len()),
        }
    }

    /// Why cucumber skipped `step` (it matched no available definition): the missing need, or
    /// `Err` when the step has no definition at all (a broken feature file).
    pub fn skip_reason(
        &self,
        step: &gherkin::Step,
        available: Available,
    ) -> Result<&'static str, String> {
        match self.lookup(step) {
            Lookup::Defined(needs) if !available.meets(needs) => Ok(needs.missing()),
            Lookup::Defined(_) => Err(format!(
                "step \"{}{}\" was skipped although its definition is available",
                step.keyword, step.value
            )),
            Lookup::Undefined => Err(format!(
                "step \"{}{}\" matches no step definition",
                step.keyword, step.value
            )),
            Lookup::Ambiguous(n) => Err(format!(
                "step \"{}{}\" matches {n} step definitions",
                step.keyword, step.value
            )),
        }
    }
}

/// Capture group `index` of a matched step ("" when it did not take part).
pub fn arg(step: &step::Context, index: usize) -> String {
    step.matches
        .get(index)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// The step's doc string (`"""` block), or "".
pub fn docstring(step: &step::Context) -> String {
    step.step.docstring.clone().unwrap_or_default()
}

/// A [`StepDef`] from its keywords, what it needs, its pattern and its async step function.
macro_rules! def {
    ([$($keyword:ident),+], $needs:ident, $pattern:literal, $step:path) => {
        $crate::scenarios::steps::StepDef {
            keywords: &[$($crate::scenarios::steps::Keyword::$keyword),+],
            pattern: $pattern,
            needs: $crate::scenarios::steps::Needs::$needs,
            run: |world, step| Box::pin($step(world, step)),
        }
    };
}
pub(crate) use def;

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt as _;

    fn noop(_: &mut (), _: step::Context) -> futures::future::LocalBoxFuture<'_, ()> {
        async {}.boxed_local()
    }

    fn steps() -> Steps<()> {
        Steps::new(vec![
            StepDef {
                keywords: &[Keyword::Given],
                pattern: r"^a new account$",
                needs: Needs::Target,
                run: noop,
            },
            StepDef {
                keywords: &[Keyword::When],
                pattern: r"^(\d+) seconds pass on the service's clock$",
                needs: Needs::Control,
                run: noop,
            },
            StepDef {
                keywords: &[Keyword::When, Keyword::Then],
                pattern: r"^I wait$",
                needs: Needs::Target,
                run: noop,
            },
            StepDef {
                keywords: &[Keyword::When],
                pattern: r"^I w",
                needs: Needs::Target,
                run: noop,
            },
        ])
    }

    fn step(ty: StepType, value: &str) -> gherkin::Step {
        let text = format!("Feature: F\n  Scenario: S\n    Given {value}\n");
        let feature = gherkin::Feature::parse(text, Default::default()).unwrap();
        let mut step = feature.scenarios[0].steps[0].clone();
        step.ty = ty;
        step
    }

    #[test]
    fn lookups_follow_keywords_and_patterns() {
        let steps = steps();
        assert_eq!(
            steps.lookup(&step(StepType::Given, "a new account")),
            Lookup::Defined(Needs::Target)
        );
        assert_eq!(
            steps.lookup(&step(StepType::When, "a new account")),
            Lookup::Undefined
        );
        assert_eq!(
            steps.lookup(&step(
                StepType::When,
                "301 seconds pass on the service's clock"
            )),
            Lookup::Defined(Needs::Control)
        );
        assert_eq!(
            steps.lookup(&step(StepType::When, "I wait")),
            Lookup::Ambiguous(2)
        );
        assert_eq!(
            steps.lookup(&step(StepType::Then, "I wait")),
            Lookup::Defined(Needs::Target)
        );
    }

    #[test]
    fn skip_reasons_name_the_missing_option_or_the_broken_step() {
        let steps = steps();
        let none = Available::default();
        let clock = step(StepType::When, "3 seconds pass on the service's clock");
        assert_eq!(
            steps.skip_reason(&clock, none),
            Ok(Needs::Control.missing())
        );
        assert!(Needs::Control.missing().contains("--control"));
        let typo = step(StepType::Given, "a new acount");
        assert!(steps
            .skip_reason(&typo, none)
            .unwrap_err()
            .contains("matches no step definition"));
        let all = Available {
            control: true,
            limited_key: true,
            second_key: true,
            videos_key: true,
        };
        assert!(steps
            .skip_reason(&clock, all)
            .unwrap_err()
            .contains("although"));
    }

    #[test]
    fn collections_leave_out_what_is_not_available() {
        let steps = steps();
        let clock = step(StepType::When, "3 seconds pass on the service's clock");
        let without = steps.collection(Available::default());
        assert!(without.find(&clock).unwrap().is_none());
        let with = steps.collection(Available {
            control: true,
            ..Available::default()
        });
        assert!(with.find(&clock).unwrap().is_some());
    }
}
