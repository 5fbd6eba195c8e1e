Sou.runMain()
