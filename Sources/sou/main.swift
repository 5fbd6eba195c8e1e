print("sou: not yet built; see docs/ARCHITECTURE.md")
