// The VirtualPrinter module; see DESIGN.md §2.
