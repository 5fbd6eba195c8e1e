// Integration tests land with the real soud (waiting for IndexCatalog and Searcher on main).
