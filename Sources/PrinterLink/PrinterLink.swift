// The PrinterLink module; see DESIGN.md §2.
