-- The claim function's statements planned once per connection, not at every call. PL/pgSQL plans a
-- statement with the call's values (a custom plan) at first, and keeps doing so whenever the plan
-- made without them (the generic plan) does not look cheaper: here never, so every call planned
-- its three statements again, ~0.2 ms of a call's ~0.5 ms fixed cost. The generic plans are the same
-- ones (each partial index in its order, the primary key for the ids; enable_sort = off keeps a
-- stale estimate from choosing a sort). Measured, claims of 8 messages one after another: 19.7-20.0k
-- messages/s against 13.2-13.4k; of 128: 61.9-63.0k against 58.8-60.2k.
ALTER FUNCTION gatehouse_complete_and_claim SET plan_cache_mode = force_generic_plan;
