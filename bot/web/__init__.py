"""Demo page of the regional health portal and the embeddable chat widget."""
