//! Evaluates the expressions of computed measures (LANGUAGE.md §9.3), period by period.
//!
//! A measure's actuals are a series: a value per period. An expression's value is a
//! series too, with a value at each period where every operand has one (a number is the
//! same at every period). A function is evaluated at the periods of its argument: `lag(m,
//! n)` at a period of `m` whose value n periods earlier exists, `sum`, `avg` and `growth`
//! where their whole window exists, `ytd` where every period since the start of the
//! calendar year exists. A division by zero gives no value at that period. Periods shift
//! within their own length (`lag(revenue, 12)` of 2025-03 is 2024-03); the resolver makes
//! sure one expression's measures share one length.

use std::collections::BTreeMap;

use crate::num::fmt_num;
use crate::period::Period;
use crate::syntax::expr::{BinOp, Expr, ExprKind, Func};

/// A value per period.
pub type Series = BTreeMap<Period, f64>;

/// An expression's value: the same at every period, or a series.
enum Val {
    Const(f64),
    Series(Series),
}

/// The series of `expr`, reading each measure's series through `lookup` (`None`: the
/// measure has none, so the expression has no value anywhere). An expression without a
/// measure in it has no periods, so no values.
pub fn eval<'a>(expr: &Expr, lookup: &impl Fn(&str) -> Option<&'a Series>) -> Series {
    match val(expr, lookup) {
        Val::Series(s) => s,
        Val::Const(_) => Series::new(),
    }
}

/// The number of periods of a call (1 when it has none or it is out of range: the
/// resolver reports that).
pub fn window(call: &crate::syntax::expr::Call) -> i64 {
    call.window
        .as_ref()
        .map(|w| w.value)
        .filter(|w| w.fract() == 0.0 && *w >= 1.0 && *w <= MAX_WINDOW as f64)
        .map_or(1, |w| w as i64)
}

/// The longest window a function may take, in periods.
pub const MAX_WINDOW: i64 = 10_000;

fn val<'a>(expr: &Expr, lookup: &impl Fn(&str) -> Option<&'a Series>) -> Val {
    match &expr.kind {
        ExprKind::Number(n) => Val::Const(n.value),
        ExprKind::Ref(id) => Val::Series(lookup(&id.name).cloned().unwrap_or_default()),
        ExprKind::Paren(e) => val(e, lookup),
        ExprKind::Neg(e) => map(val(e, lookup), |v| Some(-v)),
        ExprKind::Chain(first, rest) => rest.iter().fold(val(first, lookup), |acc, (op, e)| {
            binary(acc, *op, val(e, lookup))
        }),
        ExprKind::Call(call) => {
            let s = match val(&call.arg, lookup) {
                Val::Series(s) => s,
                // The resolver requires a measure in every argument.
                Val::Const(_) => return Val::Series(Series::new()),
            };
            let n = window(call);
            let at = |p: Period, back: i64| p.shift(-back).and_then(|q| s.get(&q).copied());
            let trailing = |p: Period| -> Option<f64> { (0..n).map(|k| at(p, k)).sum() };
            let out = s
                .keys()
                .filter_map(|&p| {
                    let v = match call.func {
                        Func::Lag => at(p, n)?,
                        Func::Sum => trailing(p)?,
                        Func::Avg => trailing(p)? / n as f64,
                        Func::Growth => {
                            let (now, then) = (s[&p], at(p, n)?);
                            if then == 0.0 {
                                return None;
                            }
                            (now - then) / then * 100.0
                        }
                        Func::Ytd => {
                            let mut q = p.year_start();
                            let mut total = 0.0;
                            while q <= p {
                                total += s.get(&q)?;
                                q = q.shift(1)?;
                            }
                            total
                        }
                    };
                    v.is_finite().then_some((p, v))
                })
                .collect();
            Val::Series(out)
        }
    }
}

/// `a op b`, at the periods where both have a value (a number has one everywhere).
fn binary(a: Val, op: BinOp, b: Val) -> Val {
    let f = |x: f64, y: f64| -> Option<f64> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div if y == 0.0 => return None,
            BinOp::Div => x / y,
        };
        r.is_finite().then_some(r)
    };
    match (a, b) {
        (Val::Const(x), Val::Const(y)) => f(x, y).map_or(Val::Series(Series::new()), Val::Const),
        (Val::Series(s), Val::Const(y)) => Val::Series(
            s.into_iter()
                .filter_map(|(p, x)| Some((p, f(x, y)?)))
                .collect(),
        ),
        (Val::Const(x), Val::Series(s)) => Val::Series(
            s.into_iter()
                .filter_map(|(p, y)| Some((p, f(x, y)?)))
                .collect(),
        ),
        (Val::Series(s), Val::Series(t)) => Val::Series(
            s.into_iter()
                .filter_map(|(p, x)| Some((p, f(x, *t.get(&p)?)?)))
                .collect(),
        ),
    }
}

fn map(v: Val, f: impl Fn(f64) -> Option<f64>) -> Val {
    match v {
        Val::Const(c) => f(c).map_or(Val::Series(Series::new()), Val::Const),
        Val::Series(s) => Val::Series(
            s.into_iter()
                .filter_map(|(p, x)| Some((p, f(x)?)))
                .collect(),
        ),
    }
}

/// The expression at `period` with the values put in, and its result:
/// `(412k − 251k) / 412k × 100 = 39.1`. `None` when it has no value there.
pub fn explain_at<'a>(
    expr: &Expr,
    lookup: &impl Fn(&str) -> Option<&'a Series>,
    period: Period,
) -> Option<String> {
    let result = *eval(expr, lookup).get(&period)?;
    Some(format!(
        "{} = {}",
        render(expr, lookup, period)?,
        figure(result)
    ))
}

fn render<'a>(
    expr: &Expr,
    lookup: &impl Fn(&str) -> Option<&'a Series>,
    period: Period,
) -> Option<String> {
    Some(match &expr.kind {
        ExprKind::Number(n) => fmt_num(n.value),
        ExprKind::Ref(id) => figure(*lookup(&id.name)?.get(&period)?),
        ExprKind::Paren(e) => format!("({})", render(e, lookup, period)?),
        ExprKind::Neg(e) => format!("−{}", render(e, lookup, period)?),
        ExprKind::Chain(first, rest) => {
            let mut out = render(first, lookup, period)?;
            for (op, e) in rest {
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                out.push_str(&render(e, lookup, period)?);
            }
            out
        }
        // A call shows its value: what it sums or looks back to is not at this period.
        ExprKind::Call(_) => figure(*eval(expr, lookup).get(&period)?),
    })
}

/// A value as the trace shows it: `412k`, `1.2M`, `2.047B` where that is exact (a
/// thousand with at most one decimal, a million or billion with at most three), else
/// rounded to at most 4 decimals.
pub fn figure(v: f64) -> String {
    let exact = |scale: f64, decimals: i32, suffix: &str| -> Option<String> {
        let unit = 10f64.powi(decimals);
        let rounded = (v / scale * unit).round() / unit;
        ((rounded * scale - v).abs() < 1e-9 * v.abs().max(1.0))
            .then(|| format!("{}{suffix}", fmt_num(rounded)))
    };
    for (floor, scale, decimals, suffix) in
        [(1e9, 1e9, 3, "B"), (1e6, 1e6, 3, "M"), (1e4, 1e3, 1, "k")]
    {
        if v.abs() >= floor {
            if let Some(s) = exact(scale, decimals, suffix) {
                return s;
            }
        }
    }
    fmt_num((v * 10_000.0).round() / 10_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};
    use crate::syntax::ast::{Ident, Number};
    use crate::syntax::expr::Call;

    fn sp() -> Span {
        Span::new(FileId(0), 0, 0)
    }
    fn e(kind: ExprKind) -> Expr {
        Expr { kind, span: sp() }
    }
    fn r(name: &str) -> Expr {
        e(ExprKind::Ref(Ident {
            name: name.into(),
            span: sp(),
        }))
    }
    fn n(v: f64) -> Expr {
        e(ExprKind::Number(Number {
            value: v,
            percent: false,
            span: sp(),
        }))
    }
    fn bin(a: Expr, op: BinOp, b: Expr) -> Expr {
        e(ExprKind::Chain(Box::new(a), vec![(op, b)]))
    }
    fn call(func: Func, arg: Expr, w: Option<f64>) -> Expr {
        e(ExprKind::Call(Call {
            func,
            name: sp(),
            arg: Box::new(arg),
            window: w.map(|v| Number {
                value: v,
                percent: false,
                span: sp(),
            }),
        }))
    }
    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }
    fn series(items: &[(&str, f64)]) -> Series {
        items.iter().map(|(q, v)| (p(q), *v)).collect()
    }
    fn show(s: &Series) -> Vec<(String, f64)> {
        s.iter()
            .map(|(q, v)| (q.to_string(), (v * 1e6).round() / 1e6))
            .collect()
    }

    fn measures() -> BTreeMap<String, Series> {
        BTreeMap::from([
            (
                "revenue".to_string(),
                series(&[
                    ("2025-01", 412000.0),
                    ("2025-02", 398000.0),
                    ("2025-03", 431000.0),
                ]),
            ),
            (
                "cogs".to_string(),
                series(&[
                    ("2025-01", 251000.0),
                    ("2025-02", 245000.0),
                    ("2025-04", 262000.0),
                ]),
            ),
            (
                "zero".to_string(),
                series(&[("2025-01", 0.0), ("2025-02", 5.0)]),
            ),
        ])
    }

    #[test]
    fn a_margin_where_both_operands_have_a_value() {
        let m = measures();
        let lookup = |id: &str| m.get(id);
        // (revenue - cogs) / revenue * 100
        let margin = bin(
            bin(
                e(ExprKind::Paren(Box::new(bin(
                    r("revenue"),
                    BinOp::Sub,
                    r("cogs"),
                )))),
                BinOp::Div,
                r("revenue"),
            ),
            BinOp::Mul,
            n(100.0),
        );
        assert_eq!(
            show(&eval(&margin, &lookup)),
            [("2025-01".into(), 39.07767), ("2025-02".into(), 38.442211)]
        );
        assert_eq!(
            explain_at(&margin, &lookup, p("2025-01")).as_deref(),
            Some("(412k − 251k) / 412k × 100 = 39.0777")
        );
        assert_eq!(explain_at(&margin, &lookup, p("2025-03")), None);
    }

    #[test]
    fn division_by_zero_gives_no_value() {
        let m = measures();
        let lookup = |id: &str| m.get(id);
        assert_eq!(
            show(&eval(&bin(n(10.0), BinOp::Div, r("zero")), &lookup)),
            [("2025-02".into(), 2.0)]
        );
    }

    #[test]
    fn windows_need_every_period_of_the_window() {
        let m = BTreeMap::from([(
            "sales".to_string(),
            series(&[
                ("2024-11", 10.0),
                ("2024-12", 20.0),
                ("2025-01", 30.0),
                ("2025-02", 40.0),
                ("2025-04", 60.0),
            ]),
        )]);
        let lookup = |id: &str| m.get(id);
        assert_eq!(
            show(&eval(&call(Func::Lag, r("sales"), Some(1.0)), &lookup)),
            [
                ("2024-12".into(), 10.0),
                ("2025-01".into(), 20.0),
                ("2025-02".into(), 30.0)
            ]
        );
        assert_eq!(
            show(&eval(&call(Func::Sum, r("sales"), Some(3.0)), &lookup)),
            [("2025-01".into(), 60.0), ("2025-02".into(), 90.0)]
        );
        assert_eq!(
            show(&eval(&call(Func::Avg, r("sales"), Some(2.0)), &lookup)),
            [
                ("2024-12".into(), 15.0),
                ("2025-01".into(), 25.0),
                ("2025-02".into(), 35.0)
            ]
        );
        // ytd starts again each January; 2025-03 is missing, so 2025-04 has none.
        assert_eq!(
            show(&eval(&call(Func::Ytd, r("sales"), None), &lookup)),
            [("2025-01".into(), 30.0), ("2025-02".into(), 70.0)]
        );
        assert_eq!(
            show(&eval(&call(Func::Growth, r("sales"), Some(1.0)), &lookup)),
            [
                ("2024-12".into(), 100.0),
                ("2025-01".into(), 50.0),
                ("2025-02".into(), 33.333333)
            ]
        );
    }

    #[test]
    fn growth_of_a_series_that_doubles_each_year_is_100() {
        let mut s = Series::new();
        let mut q = p("2022-01");
        let mut v = 1.0;
        while q <= p("2025-12") {
            s.insert(q, v * (1.0 + q.n as f64 / 100.0));
            if q.n == 12 {
                v *= 2.0;
            }
            q = q.shift(1).unwrap();
        }
        let m = BTreeMap::from([("x".to_string(), s)]);
        let lookup = |id: &str| m.get(id);
        let g = eval(&call(Func::Growth, r("x"), Some(12.0)), &lookup);
        assert_eq!(g.len(), 36);
        assert!(g.values().all(|v| (v - 100.0).abs() < 1e-9), "{g:?}");
    }

    #[test]
    fn figures_are_exact() {
        assert_eq!(figure(412000.0), "412k");
        assert_eq!(figure(1_200_000.0), "1.2M");
        assert_eq!(figure(412345.0), "412345");
        assert_eq!(figure(521800.0), "521.8k");
        assert_eq!(figure(1_009_000.0), "1.009M");
        assert_eq!(figure(412345.5), "412345.5");
        assert_eq!(figure(39.077669902), "39.0777");
        assert_eq!(figure(-2_500_000_000.0), "-2.5B");
    }
}
