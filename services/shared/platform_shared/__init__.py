"""Shared kit of the Công đoàn portal services.

Pure modules (no nameko, no eventlet): errors, actor, clock, database, outbox,
inbox, parking, tokens, contracts, text, logs. Transport modules (nameko, kombu):
dependencies, handlers, rpc, relay, transport, queues.
"""
