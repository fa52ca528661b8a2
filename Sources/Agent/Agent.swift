// The Agent module; see DESIGN.md §2.
