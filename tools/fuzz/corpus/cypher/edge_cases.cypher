UNWIND [[1, 2], [1], [1, 'a'], [], null] AS l WITH l, 9223372036854775807 + size(l) AS big RETURN DISTINCT l, -7 % 3, 1.0 / 0, [1, 2] = [1, null], 2 IN [1, null] ORDER BY l DESC SKIP 1 LIMIT $n
