module example.com/minikit

go 1.26
