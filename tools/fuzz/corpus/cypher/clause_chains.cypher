MATCH (e:Experiment) WITH e ORDER BY e.key DESC LIMIT 1 MATCH (e)-[:RUNS_ON*0..2]->(c)<-[:RUNS_ON]-(f) WHERE e.key < f.key WITH DISTINCT c, collect(f.key) AS ks RETURN c.key, size(ks) ORDER BY c.name
