// The Board module; see DESIGN.md §2.
