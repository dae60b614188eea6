"""shenhou's embedded, Zeebe-compatible BPMN engine.

It speaks Zeebe's gateway gRPC protocol (pyzeebe, zbctl and Camunda Modeler talk to it
unchanged), evaluates Camunda's FEEL, and persists every record to SQLite before it answers.
It imports nothing else of the project: the engine knows no domain.
"""
