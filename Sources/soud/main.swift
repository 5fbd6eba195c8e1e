print("soud: not yet built; see docs/ARCHITECTURE.md")
