//! The one table of keywords: which words the language knows, what each one is
//! (a declaration, a property, a word inside a property, a value), where it may stand
//! and what a use of it looks like.
//!
//! The direct parser dispatches on [`Kw`], the syntax-error messages list the words of a
//! block from here, the formatter prints [`Kw::word`], and the language server completes
//! from [`words`]. The grammars that cannot read Rust (`grammar/bsc.pest`, tree-sitter,
//! TextMate, vim) are held to this table by `tests/keywords.rs`; the parser and pest by
//! the unit tests below, which parse every [`Keyword::example`] in every block.
//!
//! Adding a property starts here: one row (see docs/syntax.md for the other files).

/// A place where words are looked up: the top level, or the inside of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    Top,
    Scorecard,
    /// `bands { … }` inside the scorecard.
    Bands,
    Perspective,
    Objective,
    /// A measure, or a kpi template (the same properties).
    Measure,
    Initiative,
    /// `map { … }`: chains of ids, no keywords.
    Map,
}

impl Block {
    /// Every block.
    pub const ALL: [Block; 8] = [
        Block::Top,
        Block::Scorecard,
        Block::Bands,
        Block::Perspective,
        Block::Objective,
        Block::Measure,
        Block::Initiative,
        Block::Map,
    ];
}

/// What a keyword is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Starts a declaration (`perspective`, `objective`, …).
    Declaration,
    /// Starts a property (`owner`, `target`, …), or is one (`leading`).
    Property,
    /// A word inside a declaration head or a property (`from`, `by`, `at`).
    Modifier,
    /// A band name inside `bands { … }`.
    Band,
    /// A function of a computed measure's expression (`compute growth(revenue, 12)`).
    Function,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Keyword {
    pub kw: Kw,
    pub word: &'static str,
    pub role: Role,
    /// Where the word may stand (for a modifier: the blocks of the property or
    /// declaration it belongs to).
    pub blocks: &'static [Block],
    /// A complete use of the keyword, valid in each of its blocks.
    pub example: &'static str,
}

macro_rules! table {
    ($($kw:ident $word:literal $role:ident [$($block:ident),*] $example:literal;)*) => {
        /// A keyword of the language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kw {
            $($kw,)*
        }

        /// The table: every keyword, its role, its blocks and an example.
        pub const TABLE: &[Keyword] = &[
            $(Keyword {
                kw: Kw::$kw,
                word: $word,
                role: Role::$role,
                blocks: &[$(Block::$block),*],
                example: $example,
            },)*
        ];

        impl Kw {
            /// The keyword as written.
            pub fn word(self) -> &'static str {
                match self {
                    $(Kw::$kw => $word,)*
                }
            }

            /// The keyword spelled `word`, if it is one (wherever it may stand).
            pub fn from_word(word: &str) -> Option<Kw> {
                match word {
                    $($word => Some(Kw::$kw),)*
                    _ => None,
                }
            }
        }
    };
}

table! {
    // Declarations.
    Scorecard   "scorecard"   Declaration [Top]                         r#"scorecard "S" {}"#;
    Perspective "perspective" Declaration [Top]                         r#"perspective p "P" {}"#;
    Kpi         "kpi"         Declaration [Top]                         r#"kpi k "K" {}"#;
    Initiative  "initiative"  Declaration [Top]                         r#"initiative i "I" {}"#;
    Map         "map"         Declaration [Top]                         r#"map { a -> b }"#;
    Use         "use"         Declaration [Top]                         r#"use "std/kpis""#;
    Cascade     "cascade"     Declaration [Top]                         r#"cascade sales "depts/sales.bsc""#;
    Align       "align"       Declaration [Top]                         r#"align sales.win_accounts -> grow weight 2 : "Key accounts""#;
    Objective   "objective"   Declaration [Perspective]                 r#"objective o "O" {}"#;
    Measure     "measure"     Declaration [Objective]                   r#"measure m "M" from k {}"#;
    // Properties.
    Vision      "vision"      Property [Scorecard]                      r#"vision "V""#;
    Mission     "mission"     Property [Scorecard]                      r#"mission "M""#;
    Owner       "owner"       Property [Scorecard, Objective, Measure, Initiative] r#"owner "O""#;
    Period      "period"      Property [Scorecard]                      r#"period 2025-01 .. 2025-12"#;
    AsOf        "as_of"       Property [Scorecard]                      r#"as_of 2025-06"#;
    Bands       "bands"       Property [Scorecard]                      r#"bands { green 90% amber 60% }"#;
    Currency    "currency"    Property [Scorecard]                      r#"currency "EUR""#;
    Level       "level"       Property [Perspective]                    r#"level 5"#;
    Question    "question"    Property [Perspective]                    r#"question "Q""#;
    Due         "due"         Property [Objective]                      r#"due 2025-12"#;
    Weight      "weight"      Property [Objective, Measure]             r#"weight 2"#;
    Unit        "unit"        Property [Measure]                        r#"unit "%""#;
    Direction   "direction"   Property [Measure]                        r#"direction up"#;
    Baseline    "baseline"    Property [Measure]                        r#"baseline 7 at 2024"#;
    Target      "target"      Property [Measure]                        r#"target 10 by 2025-06"#;
    Threshold   "threshold"   Property [Measure]                        r#"threshold 9"#;
    Note        "note"        Property [Measure]                        r#"note 2025-06 "Why, and what is done""#;
    Frequency   "frequency"   Property [Measure]                        r#"frequency monthly"#;
    Leading     "leading"     Property [Measure]                        r#"leading"#;
    Lagging     "lagging"     Property [Measure]                        r#"lagging"#;
    Source      "source"      Property [Measure]                        r#"source "ERP""#;
    Formula     "formula"     Property [Measure]                        r#"formula "a / b""#;
    Actuals     "actuals"     Property [Measure]                        r#"actuals { 2025-01: 7.1, 2025-02: 7.4 }"#;
    Compute     "compute"     Property [Measure]                        r#"compute (revenue - cost) / revenue * 100"#;
    Budget      "budget"      Property [Initiative]                     r#"budget 150k"#;
    Start       "start"       Property [Initiative]                     r#"start 2025-01"#;
    End         "end"         Property [Initiative]                     r#"end 2025-06"#;
    Impact      "impact"      Property [Initiative]                     r#"impact high"#;
    Feasibility "feasibility" Property [Initiative]                     r#"feasibility medium"#;
    Status      "status"      Property [Initiative]                     r#"status active"#;
    Progress    "progress"    Property [Initiative]                     r#"progress 40%"#;
    Spent       "spent"       Property [Initiative]                     r#"spent 60k"#;
    Supports    "supports"    Property [Initiative]                     r#"supports a, b"#;
    // Words inside a declaration head or a property.
    From        "from"        Modifier [Objective]                      r#"measure m "M" from k {}"#;
    By          "by"          Modifier [Measure]                        r#"target 10 by 2025-06"#;
    At          "at"          Modifier [Measure]                        r#"baseline 7 at 2024"#;
    Sheet       "sheet"       Modifier [Measure]                        r#"actuals "pl.xlsx" sheet "P&L" row "Revenue""#;
    Column      "column"      Modifier [Measure]                        r#"actuals "kpis.csv" column "otd""#;
    Row         "row"         Modifier [Measure]                        r#"actuals "pl.xlsx" row "Revenue""#;
    Key         "key"         Modifier [Measure]                        r#"actuals "kpis.xlsx" row "OTD" key "KPI""#;
    Sql         "sql"         Modifier [Measure]                        r#"actuals sql "erp.sqlite" "SELECT month, otd FROM kpis""#;
    // Band names.
    Green       "green"       Band [Bands]                              r#"green 90%"#;
    Amber       "amber"       Band [Bands]                              r#"amber 60%"#;
    // Functions in `compute` expressions (LANGUAGE.md §9.3).
    Lag         "lag"         Function [Measure]                        r#"compute lag(revenue, 12)"#;
    Sum         "sum"         Function [Measure]                        r#"compute sum(revenue, 3)"#;
    Avg         "avg"         Function [Measure]                        r#"compute avg(revenue, 3)"#;
    Ytd         "ytd"         Function [Measure]                        r#"compute ytd(revenue)"#;
    Growth      "growth"      Function [Measure]                        r#"compute growth(revenue, 12)"#;
}

/// The values a property takes from a fixed set of words, by the property's keyword.
pub const VALUES: &[(Kw, &[&str])] = &[
    (Kw::Direction, &["up", "down"]),
    (
        Kw::Frequency,
        &["daily", "weekly", "monthly", "quarterly", "yearly"],
    ),
    (Kw::Impact, &["low", "medium", "high"]),
    (Kw::Feasibility, &["low", "medium", "high"]),
    (Kw::Status, &["planned", "active", "done", "stalled"]),
];

/// The value words of property `kw` (empty when its value is not a word).
pub fn values(kw: Kw) -> &'static [&'static str] {
    VALUES
        .iter()
        .find(|(k, _)| *k == kw)
        .map_or(&[], |(_, v)| *v)
}

/// Every value word, each once, in table order.
pub fn all_values() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (_, words) in VALUES {
        for w in *words {
            if !out.contains(w) {
                out.push(w);
            }
        }
    }
    out
}

impl Kw {
    /// This keyword's row of the table.
    pub fn row(self) -> &'static Keyword {
        // Rows are in the enum's order (the macro writes both from one list).
        &TABLE[self as usize]
    }

    /// Whether the word may open an item of `block`: a declaration or a property there.
    pub fn starts_item_in(self, block: Block) -> bool {
        let row = self.row();
        matches!(row.role, Role::Declaration | Role::Property | Role::Band)
            && row.blocks.contains(&block)
    }
}

/// The words that open an item of `block` (declarations and properties, or band names),
/// in table order: what completion offers and what an error lists.
pub fn words(block: Block) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|k| k.kw.starts_item_in(block))
        .map(|k| k.word)
        .collect()
}

/// The words of a role, each once, in table order.
pub fn words_of(role: Role) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|k| k.role == role)
        .map(|k| k.word)
        .collect()
}

/// Where a declaration `word` belongs when it is met where an item of the innermost of
/// the blocks `open` (outermost first) was expected: `Some(d)` when it declares at the
/// top level (`d = 0`) or in `open[d - 1]`, an enclosing block, which means that the
/// blocks `open[d..]` were not closed; `None` when it declares nothing in an enclosing
/// block.
pub fn enclosing_declaration(word: &str, open: &[Block]) -> Option<usize> {
    let kw = Kw::from_word(word)?;
    if kw.row().role != Role::Declaration {
        return None;
    }
    let inner = open.len().checked_sub(1)?;
    // The innermost block itself is not searched: there the word is no sign of a
    // missing `}`.
    let enclosing = std::iter::once(Block::Top).chain(open[..inner].iter().copied());
    let mut found = None;
    for (depth, block) in enclosing.enumerate() {
        if kw.row().blocks.contains(&block) {
            found = Some(depth);
        }
    }
    found
}

/// `a`, `a or b`, `a, b or c`, each in backticks.
pub fn or_list(words: &[&str]) -> String {
    let ticked: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match ticked.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn rows_follow_the_enum_and_words_are_unique() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.kw as usize, i, "{}", row.word);
            assert_eq!(Kw::from_word(row.word), Some(row.kw));
            assert_eq!(row.kw.word(), row.word);
        }
    }

    /// The example wrapped in a file so that it stands in `block`.
    fn in_block(block: Block, example: &str) -> String {
        match block {
            Block::Top => example.to_string(),
            Block::Scorecard => format!("scorecard \"S\" {{ {example} }}"),
            Block::Bands => format!("scorecard \"S\" {{ bands {{ {example} }} }}"),
            Block::Perspective => format!("perspective p {{ {example} }}"),
            Block::Objective => format!("perspective p {{ objective o \"O\" {{ {example} }} }}"),
            Block::Measure => format!(
                "perspective p {{ objective o \"O\" {{ measure m \"M\" {{ {example} }} }} }}\nkpi k \"K\" {{ {example} }}"
            ),
            Block::Initiative => format!("initiative i \"I\" {{ {example} }}"),
            Block::Map => format!("map {{ {example} }}"),
        }
    }

    /// Both parsers read every keyword's example in exactly the blocks the table gives
    /// it, and the direct parser reads each value word: the parser and `grammar/bsc.pest`
    /// are held to the table.
    #[test]
    fn both_parsers_accept_each_keyword_exactly_where_the_table_says() {
        for row in TABLE {
            if matches!(row.role, Role::Modifier | Role::Function) {
                // Its example is a property's: it stands where that property does.
                let text = in_block(row.blocks[0], row.example);
                let (ast, _) = crate::syntax::parse(FileId(0), &text);
                assert!(ast.is_some_and(|f| !f.has_errors()), "{text}");
                let (ast, _) = crate::syntax::parse_with_grammar(FileId(0), &text);
                assert!(ast.is_some_and(|f| !f.has_errors()), "grammar: {text}");
                continue;
            }
            for block in Block::ALL {
                let text = in_block(block, row.example);
                let direct = crate::syntax::parse(FileId(0), &text);
                let grammar = crate::syntax::parse_with_grammar(FileId(0), &text);
                let ok = |r: &(Option<crate::syntax::File>, Vec<crate::diag::Diagnostic>)| {
                    r.0.as_ref().is_some_and(|f| !f.has_errors())
                };
                let expected = row.blocks.contains(&block);
                assert_eq!(ok(&direct), expected, "direct parser, {block:?}: {text}");
                assert_eq!(ok(&grammar), expected, "grammar, {block:?}: {text}");
            }
        }
        for (kw, words) in VALUES {
            for w in *words {
                let text = in_block(kw.row().blocks[0], &format!("{} {w}", kw.word()));
                let (ast, _) = crate::syntax::parse(FileId(0), &text);
                assert!(ast.is_some_and(|f| !f.has_errors()), "{text}");
            }
        }
    }
}
