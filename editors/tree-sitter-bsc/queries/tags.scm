; `tree-sitter tags` / code navigation: declarations and the places that name them.
(perspective
  name: (identifier) @name) @definition.module

(objective
  name: (identifier) @name) @definition.objective

(measure
  name: (identifier) @name) @definition.measure

(kpi
  name: (identifier) @name) @definition.kpi

(initiative
  name: (identifier) @name) @definition.initiative

(measure
  kpi: (identifier) @name) @reference.kpi

(property
  key: "supports"
  value: (identifier) @name @reference.objective)

(chain
  node: (identifier) @name @reference.objective)
