-- pgbench script for tools/bench/traversal_vs_postgres.sh: the 2-hop question of issue 3 as a
-- recursive CTE. How many distinct nodes lie within :hops outgoing edges of a random start node,
-- the start excluded (the same answer as expgraph's count_only neighbourhood, direction=out).
-- UNION (not UNION ALL) drops repeated (node, depth) rows while recursing.
\set start random(0, :nodes - 1)
WITH RECURSIVE reach(node, depth) AS (
  SELECT :start::int, 0
  UNION
  SELECT e.dst, r.depth + 1 FROM reach r JOIN edges e ON e.src = r.node WHERE r.depth < :hops
)
SELECT count(DISTINCT node) FILTER (WHERE node <> :start) FROM reach;
