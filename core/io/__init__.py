"""Reading and writing geodata files."""
