Attribute VB_Name = "ipsxl"
' Ribbon callbacks of the ipsxl add-in (IPS tab, see customUI.xml).
'
' Every button only hands a command to Python: the checks and the scoring live in the Python
' package ipsxl (module ipsxl.excel), where they are tested, so nothing here needs testing in
' Excel beyond "the button reaches Python". RIBBON_ACTIONS in src/ipsxl/addin/build.py lists
' the same buttons; tests/test_macros.py checks that this file, customUI.xml and that list agree.
'
' Python is reached through the xlwings add-in's RunPython. This add-in holds no VBA reference
' to xlwings (the path of xlwings.xlam differs per machine and a broken reference stops every
' macro here from compiling), so RunPython is called late-bound with Application.Run, which
' finds it by name in the open xlwings add-in. Interpreter and PYTHONPATH come from the usual
' xlwings settings (~/.xlwings/xlwings.conf, or an xlwings.conf sheet in the workbook).
Option Explicit

Private Const XLWINGS_RUNPYTHON As String = "xlwings.xlam!RunPython"

Public Sub OnValidate(control As IRibbonControl)
    RunIpsxl "import ipsxl.excel; ipsxl.excel.validate()"
End Sub

Public Sub OnFidelity(control As IRibbonControl)
    RunIpsxl "import ipsxl.excel; ipsxl.excel.fidelity()"
End Sub

Public Sub OnClearFlags(control As IRibbonControl)
    RunIpsxl "import ipsxl.excel; ipsxl.excel.clear_flags()"
End Sub

Public Sub OnNewWorkbook(control As IRibbonControl)
    RunIpsxl "import ipsxl.excel; ipsxl.excel.new_workbook()", True
End Sub

Public Sub OnHelp(control As IRibbonControl)
    RunIpsxl "import ipsxl.excel; ipsxl.excel.show_help()", True
End Sub

Private Sub RunIpsxl(ByVal pythonCommand As String, Optional ByVal blankBookIfNone As Boolean = False)
    ' RunPython hands the active workbook to Python (xw.Book.caller()), so one must be open.
    ' Checking and scoring need the supervisor's own workbook; a new workbook or the help only
    ' need somewhere to start from, so those get a blank one.
    If ActiveWorkbook Is Nothing Then
        If Not blankBookIfNone Then
            MsgBox "Open the IPS workbook to check first.", vbInformation, "ipsxl"
            Exit Sub
        End If
        Workbooks.Add
    End If

    On Error GoTo NoXlwings
    Application.Run XLWINGS_RUNPYTHON, pythonCommand
    Exit Sub

NoXlwings:
    ' Errors raised in Python are shown by xlwings itself; landing here means RunPython could
    ' not be called at all, almost always because the xlwings add-in is not installed or loaded.
    MsgBox "The IPS buttons need the xlwings add-in, which could not be reached." & vbNewLine & _
           "In a terminal run:  xlwings addin install   then restart Excel." & vbNewLine & _
           vbNewLine & "(" & Err.Number & ": " & Err.Description & ")", vbExclamation, "ipsxl"
End Sub
