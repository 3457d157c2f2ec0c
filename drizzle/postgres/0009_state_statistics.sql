-- No statistics on a message's state: the share of ready, leased and done messages changes by the
-- second, so whatever ANALYZE saw is soon wrong, and plans were made on it. Analyzed while a backlog
-- was all ready, "leased" looked empty, and a worker's completion of 128 messages became a nested
-- loop that re-read its 128 ids for every leased message: a batched drain of 300,000 went from 54k
-- messages/s to 28k once autovacuum had analyzed the table, whenever in the drain that came. With no
-- statistics the planner takes a state to hold a small share of the rows: each partial index on a
-- state is still used, and a completion is driven by its ids through the primary key.
ALTER TABLE "messages" ALTER COLUMN "state" SET STATISTICS 0;
