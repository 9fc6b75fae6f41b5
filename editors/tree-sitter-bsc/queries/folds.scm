[
  (scorecard)
  (perspective)
  (objective)
  (measure)
  (kpi)
  (initiative)
  (map)
  (bands)
  (actuals)
  (block_comment)
] @fold
