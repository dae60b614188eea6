"""Behaviours shared by the element processors (after Zeebe's ``Bpmn*Behavior`` classes)."""
